import { Logger } from '@nestjs/common';
import { MetricsService } from '../metrics/metrics.service';
import type { HttpClient } from './http-client';
import {
  CircuitOpenError,
  DependencyUnavailableError,
  HttpClientError,
  HttpServerError,
  type HttpRequestErrorContext,
} from './http-client.errors';
import { ServiceClient, type UnavailabilityPolicy } from './service-client';

// The base every typed client extends (device-service's QuotaClient and BillingClient have their
// own specs against a contract-speaking callee): the three ways a call treats an unavailable target.

const CONTEXT: HttpRequestErrorContext = {
  target: 'peer-service',
  method: 'POST',
  route: 'things',
  attempts: 2,
};
const DOWN = new HttpServerError({ status: 503, code: 'NOT_READY', message: 'starting' }, CONTEXT);
const REFUSED = new HttpClientError({ status: 404, code: 'NOT_FOUND', message: 'no such thing' }, CONTEXT);

class PeerClient extends ServiceClient {
  constructor(metrics: MetricsService) {
    super({ name: 'peer-service' } as HttpClient, metrics);
  }

  read<T>(call: () => Promise<T>) {
    return this.strictCall('peer.read', call);
  }

  check<T>(policy: UnavailabilityPolicy, call: () => Promise<T>) {
    return this.policyCheck('peer.check', policy, call);
  }

  report<T>(call: () => Promise<T>) {
    return this.lenientCall('peer.report', call);
  }
}

describe('ServiceClient', () => {
  let metrics: MetricsService;
  let peer: PeerClient;
  const fail = (error: unknown) => () => Promise.reject(error);

  async function degraded(operation: string, result: string): Promise<number> {
    const metric = metrics.registry.getSingleMetric('cloudphone_http_client_degraded_calls_total');
    const values = metric ? (await metric.get()).values : [];
    const found = values.find(
      (value) => value.labels.operation === operation && value.labels.result === result,
    );
    return found?.value ?? 0;
  }

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(() => {
    metrics = new MetricsService('caller-service');
    peer = new PeerClient(metrics);
  });

  it('strict: answers, passes a 4xx through, and turns an unavailable target into a 503', async () => {
    await expect(peer.read(() => Promise.resolve('answer'))).resolves.toBe('answer');
    await expect(peer.read(fail(REFUSED))).rejects.toBe(REFUSED);

    const error = await peer.read(fail(DOWN)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DependencyUnavailableError);
    expect(error).toMatchObject({
      httpStatus: 503,
      details: { dependency: 'peer-service', operation: 'peer.read', reason: 'server_error' },
    });
    expect(await degraded('peer.read', 'denied')).toBe(1);
  });

  it('checks under a policy: deny gives a 503 with Retry-After, allow a degraded pass; 4xx stays an error', async () => {
    await expect(peer.check('deny', () => Promise.resolve(1))).resolves.toEqual({
      degraded: false,
      response: 1,
    });

    const open = new CircuitOpenError(CONTEXT, 2500);
    const denied = (await peer.check('deny', fail(open)).catch((caught: unknown) => caught)) as
      DependencyUnavailableError | undefined;
    expect(denied).toBeInstanceOf(DependencyUnavailableError);
    expect(denied?.headers).toEqual({ 'Retry-After': '3' });

    await expect(peer.check('allow', fail(DOWN))).resolves.toEqual({ degraded: true, failure: DOWN });
    await expect(peer.check('allow', fail(REFUSED))).rejects.toBe(REFUSED);
    expect(await degraded('peer.check', 'denied')).toBe(1);
    expect(await degraded('peer.check', 'allowed')).toBe(1);
  });

  it('lenient: delivered, deferred while unavailable (with Retry-After), rejected on a 4xx', async () => {
    await expect(peer.report(() => Promise.resolve('ok'))).resolves.toEqual({
      status: 'delivered',
      response: 'ok',
    });
    await expect(peer.report(fail(new CircuitOpenError(CONTEXT, 1200)))).resolves.toMatchObject({
      status: 'deferred',
      retryAfterMs: 1200,
    });
    await expect(peer.report(fail(REFUSED))).resolves.toEqual({ status: 'rejected', failure: REFUSED });
    expect(await degraded('peer.report', 'deferred')).toBe(1);
  });

  it('lets an error that is not an HTTP failure through unchanged', async () => {
    const bug = new TypeError('not an HTTP failure');
    await expect(peer.read(fail(bug))).rejects.toBe(bug);
    await expect(peer.check('allow', fail(bug))).rejects.toBe(bug);
    await expect(peer.report(fail(bug))).rejects.toBe(bug);
  });
});
