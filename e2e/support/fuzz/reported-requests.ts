import { SERVICE_CATALOG, type ServiceName } from '@cloudphone/contracts';
import type { ServiceFleet } from '@cloudphone/shared/testing';
import { type Caller, send } from './fuzz-request';
import type { SeededIds } from './schema-values';
import { differences, type Snapshot, type StateSnapshots } from './state-snapshot';

export interface ReportedRequestsContext {
  fleet: ServiceFleet;
  snapshots: StateSnapshots;
  seeded: SeededIds;
  token: (caller: Caller) => string | undefined;
}

const USER = SERVICE_CATALOG.user.name;
const DEVICE = SERVICE_CATALOG.device.name;
const PROXY = SERVICE_CATALOG.proxy.name;

/** Every list endpoint, with a text filter it declares. */
const LIST_ROUTES: Array<[ServiceName, string, string]> = [
  [USER, '/users', 'tenantId'],
  [SERVICE_CATALOG.billing.name, '/billing/accounts', 'tenantId'],
  [DEVICE, '/devices', 'region'],
  [DEVICE, '/scheduler/devices/available', 'region'],
  [DEVICE, '/scheduler/allocations', 'region'],
  [SERVICE_CATALOG.notification.name, '/notifications', 'type'],
  [PROXY, '/proxy/pool', 'provider'],
  [PROXY, '/proxy/usage-history', 'endReason'],
  [SERVICE_CATALOG.smsReceive.name, '/sms/numbers', 'provider'],
  [SERVICE_CATALOG.smsReceive.name, '/sms', 'service'],
];

const USAGE_RECORD = {
  allocationId: '7f0c3e1a-0000-4000-8000-000000000001',
  tenantId: 'a\u0000b',
  deviceId: '7f0c3e1a-0000-4000-8000-000000000002',
  startedAt: '2026-01-01T10:00:00.000Z',
  endedAt: '2026-01-01T10:30:00.000Z',
  billedSeconds: 1800,
  cpuCores: 4,
  memoryMb: 8192,
  storageGb: 64,
};

interface Refusable {
  method: string;
  target: string;
  caller?: Caller;
  json?: unknown;
  /** A body sent as this text instead of `json`. */
  text?: string;
  headers?: Record<string, string>;
}

/**
 * Issue 9's requests as they were reported (defect 7, the cache, has its own test), each expected
 * to be refused with its code and to leave every table and Redis key as it was.
 */
export function describeReportedRequests(context: () => ReportedRequestsContext): void {
  // The state every refusal of a test is held to: settled once per test, since a refusal that
  // passes changed nothing (and one that fails ends the test).
  let baseline: Snapshot | null = null;

  async function expectRefused(service: ServiceName, request: Refusable, status: number, code: string) {
    const { fleet, snapshots, token } = context();
    const before = (baseline ??= (await snapshots.settled(null)).state);
    const headers: Record<string, string> = {};
    const bearer = request.caller === 'none' ? undefined : token(request.caller ?? 'admin');
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    const text = request.text ?? (request.json === undefined ? undefined : JSON.stringify(request.json));
    if (text !== undefined) headers['content-type'] = 'application/json';
    Object.assign(headers, request.headers);
    const body = text === undefined ? undefined : Buffer.from(text, 'utf8');
    const answer = await send(fleet.url(service), {
      method: request.method,
      target: request.target,
      headers,
      body,
    });
    const label = `${request.method} ${request.target.slice(0, 80)}`;
    const answered = {
      label,
      status: answer.status,
      code: (JSON.parse(answer.text) as { code?: string }).code,
    };
    expect(answered).toEqual({ label, status, code });
    expect(differences(before, await snapshots.take())).toEqual([]);
  }

  describe('the requests reported in issue 9', () => {
    beforeEach(() => (baseline = null));

    it('1: a NUL byte in a text field or filter is a 400, anonymous login included', async () => {
      const { seeded } = context();
      const nul = 'a\u0000b';
      const login = { email: `${nul}@example.com`, password: 'whatever-123' };
      await expectRefused(
        USER,
        { method: 'POST', target: '/auth/login', caller: 'none', json: login },
        400,
        'VALIDATION_FAILED',
      );
      const user = { email: 'nul@example.com', password: 'a-long-enough-password', displayName: nul };
      await expectRefused(USER, { method: 'POST', target: '/users', json: user }, 400, 'VALIDATION_FAILED');
      const rename = { method: 'PATCH', target: `/users/${seeded.userId}`, json: { displayName: nul } };
      await expectRefused(USER, rename, 400, 'VALIDATION_FAILED');
      const usage = { ...USAGE_RECORD, userId: seeded.userId };
      const billing = SERVICE_CATALOG.billing.name;
      await expectRefused(
        billing,
        { method: 'POST', target: '/billing/usage', caller: 'service', json: usage },
        400,
        'VALIDATION_FAILED',
      );
      for (const [service, path, filter] of LIST_ROUTES)
        await expectRefused(
          service,
          { method: 'GET', target: `${path}?${filter}=a%00b` },
          400,
          'VALIDATION_FAILED',
        );
    });

    it('2 and 3: prototype names are neither sort fields nor parameters of any list endpoint', async () => {
      const queries = [
        'sort=constructor',
        'sort=toString',
        'sort=valueOf',
        'constructor=1',
        '__proto__=1',
        'hasOwnProperty=1',
      ];
      for (const [service, path] of LIST_ROUTES)
        for (const query of queries)
          await expectRefused(
            service,
            { method: 'GET', target: `${path}?${query}` },
            400,
            'VALIDATION_FAILED',
          );
    });

    it('4: an integer filter past its column type is a 400, for any user', async () => {
      const available = {
        method: 'GET',
        target: '/scheduler/devices/available?minCpuCores=99999999999',
        caller: 'user' as const,
      };
      await expectRefused(DEVICE, available, 400, 'VALIDATION_FAILED');
      await expectRefused(
        DEVICE,
        { method: 'GET', target: '/devices?minCpuCores=2147483648' },
        400,
        'VALIDATION_FAILED',
      );
      await expectRefused(
        PROXY,
        { method: 'GET', target: '/proxy/pool?minQualityScore=40000' },
        400,
        'VALIDATION_FAILED',
      );
    });

    it('5 and 6: deep nesting and a body not in its Content-Encoding are 400 MALFORMED_BODY', async () => {
      const deep = `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`;
      await expectRefused(
        USER,
        { method: 'POST', target: '/auth/login', caller: 'none', text: deep },
        400,
        'MALFORMED_BODY',
      );
      for (const encoding of ['gzip', 'br', 'deflate']) {
        const plain = {
          method: 'POST',
          target: '/auth/login',
          caller: 'none' as const,
          text: '{"email":"a@b.c"}',
        };
        await expectRefused(
          USER,
          { ...plain, headers: { 'content-encoding': encoding } },
          400,
          'MALFORMED_BODY',
        );
      }
    });

    it('headers past 16 KB get the JSON error shape from the HTTP layer', async () => {
      const big = { method: 'GET', target: '/health/live', headers: { 'x-big': 'x'.repeat(20_000) } };
      const answer = await send(context().fleet.url(DEVICE), big);
      expect(answer.status).toBe(431);
      expect(JSON.parse(answer.text)).toEqual(
        expect.objectContaining({ code: 'HEADERS_TOO_LARGE', requestId: expect.any(String) }),
      );
    });
  });
}
