import type { AddressInfo } from 'node:net';
import { type INestApplication, Logger, Module, type Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE, NestFactory } from '@nestjs/core';
import {
  AllExceptionsFilter,
  AuthenticationGuard,
  createValidationPipe,
  type HttpClientPolicy,
  HttpClientRegistry,
  MetricsService,
  requestIdMiddleware,
  TokenService,
} from '@cloudphone/shared';
import { TcpProxy } from '@cloudphone/shared/testing';

const SECRETS = { jwt: 'j'.repeat(32), service: 's'.repeat(32) };

/** Quick timeouts and retries, a breaker that never opens in a test: what the client specs run with. */
const TEST_POLICY: HttpClientPolicy = {
  deadlineMs: 1500,
  attemptTimeoutMs: 250,
  maxRetries: 1,
  backoffBaseMs: 10,
  backoffMaxMs: 50,
  retryBudgetRatio: 0.2,
  retryBudgetMinRetries: 100,
  retryBudgetWindowMs: 10_000,
  breakerErrorPercent: 50,
  breakerMinRequests: 1000,
  breakerResetMs: 5000,
  breakerWindowMs: 10_000,
};

/**
 * A real NestJS callee speaking a service's contract (the caller's DTOs, the real validation pipe,
 * authentication guard and error filter) around `controller`, reached through a TCP proxy a test
 * cuts or blackholes; and device-service's side: a fresh HTTP client registry per test.
 */
export class ContractCallee<C> {
  private constructor(
    private readonly app: INestApplication,
    readonly proxy: TcpProxy,
    readonly controller: C,
  ) {}

  static async start<C>(controller: Type<C>): Promise<ContractCallee<C>> {
    @Module({
      controllers: [controller],
      providers: [
        { provide: TokenService, useValue: new TokenService(SECRETS.jwt, SECRETS.service, 'fake-callee') },
        { provide: APP_GUARD, useClass: AuthenticationGuard },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    })
    class CalleeModule {}

    Logger.overrideLogger(false);
    const app = await NestFactory.create(CalleeModule, { logger: false });
    app.use(requestIdMiddleware);
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    const proxy = await new TcpProxy('127.0.0.1', port).start();
    return new ContractCallee(app, proxy, app.get(controller));
  }

  /** device-service's registry (its service token, TEST_POLICY + `policy`), the proxy restored. */
  callerRegistry(metrics: MetricsService, policy: Partial<HttpClientPolicy> = {}): HttpClientRegistry {
    this.proxy.restore();
    const tokens = new TokenService(SECRETS.jwt, SECRETS.service, 'device-service');
    return new HttpClientRegistry(
      { ...TEST_POLICY, ...policy },
      { metrics, serviceToken: () => tokens.serviceToken() },
    );
  }

  /** The proxy's URL, for `registry.client({ baseUrl })`. */
  get baseUrl(): string {
    return this.proxy.wrap('http://127.0.0.1/');
  }

  async stop(): Promise<void> {
    await this.proxy.close();
    await this.app.close();
  }
}

/** cloudphone_http_client_degraded_calls_total for one operation and result. */
export async function degradedCount(
  metrics: MetricsService,
  operation: string,
  result: string,
): Promise<number> {
  const metric = metrics.registry.getSingleMetric('cloudphone_http_client_degraded_calls_total');
  const values = metric ? (await metric.get()).values : [];
  return (
    values.find((value) => value.labels.operation === operation && value.labels.result === result)?.value ?? 0
  );
}

/** The sum and count of `cloudphone_http_client_batch_items` for one operation: calls carried, requests sent. */
export async function batchedCalls(
  metrics: MetricsService,
  operation: string,
): Promise<{ calls: number; requests: number }> {
  const metric = metrics.registry.getSingleMetric('cloudphone_http_client_batch_items');
  const values: Array<{ value: number; labels: Record<string, unknown>; metricName?: string }> = metric
    ? (await metric.get()).values
    : [];
  const of = (name: string) =>
    values.find((value) => value.metricName === name && value.labels.operation === operation)?.value ?? 0;
  return {
    calls: of('cloudphone_http_client_batch_items_sum'),
    requests: of('cloudphone_http_client_batch_items_count'),
  };
}

/**
 * Resolves once a batching client's pending flight has left (BatchingQueue sends a flight's first
 * batch one event-loop turn after its first call): calls made after this ride the next batch.
 */
export async function oneTurnLater(): Promise<void> {
  for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
}
