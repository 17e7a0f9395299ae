import type { AllocateDeviceRequest } from '@cloudphone/contracts';
import {
  AppError,
  type CacheService,
  MetricsService,
  type Principal,
  type TransactionRunner,
} from '@cloudphone/shared';
import type { Counter } from 'prom-client';
import type { DeviceServiceConfig } from '../../config/device-service.config';
import type { NewUsageReport, UsageReportDispatcher } from '../usage-reports';
import { AllocateDeviceUseCase } from './allocate-device.use-case';
import { AllocationAdmission } from './allocation-admission';
import { PLAIN, type PlacementChoices } from './placement-choice';
import type { AllocationEntitlements, Entitlement } from './allocation-entitlements.service';
import type { AllocationEventsPublisher } from './allocation-events.publisher';
import { type AllocationRecord, toAllocationResponse } from './allocation-record';
import { requestHashOf } from './allocation-request';
import type { ClaimOutcome, ClaimRequest } from './allocation-claim';
import type { Activation, AllocationTransitionsRepository } from './allocation-transitions.repository';
import type { AllocationsRepository } from './allocations.repository';
import type { SchedulerClock } from './scheduler-clock';

// The allocate use case with its repository and collaborators faked as plain objects: no database,
// no other service. What is checked is the order of decisions, not the SQL (the int-specs do that).

const USER = '0b7c6f4e-1f7a-4a53-9d1e-4c1f2f0a0001';
const DEVICE = '0b7c6f4e-1f7a-4a53-9d1e-4c1f2f0a0002';
const NOW = new Date('2026-01-05T10:00:00.000Z');
const principal: Principal = { kind: 'user', userId: USER, roles: [], tenantId: null };
const request: AllocateDeviceRequest = { durationMinutes: 30, requirements: { region: 'eu-west-1' } };
const hashOfRequest = requestHashOf({ userId: USER, tenantId: 'default' }, request);

function claimOf(claim: ClaimRequest): AllocationRecord {
  return {
    id: claim.allocationId,
    deviceId: DEVICE,
    userId: claim.userId,
    tenantId: claim.tenantId,
    status: 'pending',
    fencingToken: '7',
    region: 'eu-west-1',
    androidVersion: '13',
    cpuCores: 2,
    memoryMb: 4096,
    storageGb: 32,
    durationMinutes: claim.durationMinutes,
    claimedAt: NOW,
    startedAt: NOW,
    expiresAt: new Date(NOW.getTime() + claim.durationMinutes * 60_000),
    endedAt: null,
    endReason: null,
    billedSeconds: null,
    failureCode: null,
    idempotencyKey: claim.idempotencyKey,
    requestHash: claim.requestHash,
    response: null,
    chargedAmountMinor: null,
    chargedCurrency: null,
    extensionCount: 0,
    extendedMinutes: 0,
    lastExtendedAt: null,
    createdAt: NOW,
  };
}

/** An allocation made earlier with `key` and the same request, as the repository finds it. */
function earlierAllocation(key: string, requestHash: string): AllocationRecord {
  const earlier = claimOf({
    allocationId: '0b7c6f4e-1f7a-4a53-9d1e-4c1f2f0a0099',
    userId: USER,
    tenantId: 'default',
    durationMinutes: 30,
    cpuCores: 1,
    memoryMb: 0,
    storageGb: 0,
    region: 'eu-west-1',
    androidVersion: null,
    idempotencyKey: key,
    requestHash,
    tolerations: [],
  });
  return { ...earlier, status: 'released', response: toAllocationResponse({ ...earlier, status: 'active' }) };
}

const granted: Entitlement = { granted: true, quotaDeferred: false };

function setUp(
  options: {
    claims?: Array<ClaimOutcome['kind']>;
    entitlement?: Entitlement;
    admission?: { maxInFlight: number; maxQueued: number };
  } = {},
) {
  const claims = [...(options.claims ?? ['claimed'])];
  const allocations = {
    findByIdempotencyKey: jest.fn(async (): Promise<AllocationRecord | null> => null),
    claimDevice: jest.fn(async (claim: ClaimRequest): Promise<ClaimOutcome> => {
      const kind = claims.shift() ?? 'claimed';
      if (kind === 'claimed') return { kind, claim: claimOf(claim) };
      if (kind === 'lost-race') return { kind, error: new Error('unique violation') };
      return { kind };
    }),
    activateAll: jest.fn(async (items: readonly Activation[]): Promise<Array<AllocationRecord | null>> =>
      items.map(({ claim: pending, at, response }) => {
        const now = at as Date;
        const expiresAt = new Date(now.getTime() + pending.durationMinutes * 60_000);
        return {
          ...pending,
          status: 'active',
          startedAt: now,
          expiresAt,
          response: { ...response, startedAt: now.toISOString(), expiresAt: expiresAt.toISOString() },
        };
      }),
    ),
    failClaim: jest.fn(
      async (id: string, code: string): Promise<AllocationRecord | null> =>
        ({ id, status: 'failed', failureCode: code }) as AllocationRecord,
    ),
  };
  const entitlements = { confirm: jest.fn(async () => options.entitlement ?? granted) };
  const dispatcher = {
    store: jest.fn(async (reports: NewUsageReport[]) =>
      reports.map((report, index) => ({ ...report, rowId: String(index + 1), attempts: 0 })),
    ),
    deliver: jest.fn(async () => ({ delivered: 1, deferred: 0, rejected: 0 })),
    deliverInBackground: jest.fn(),
  };
  const publisher = {
    allocated: jest.fn(async () => undefined),
    allocatedRow: jest.fn((claim: AllocationRecord) => ({ type: 'device.allocated', claimId: claim.id })),
    written: jest.fn(async () => undefined),
    failed: jest.fn(async () => undefined),
  };
  const cache = { invalidateTags: jest.fn(async () => undefined) };
  const metrics = new MetricsService('device-service');
  const useCase = new AllocateDeviceUseCase(
    { run: (work: () => Promise<unknown>) => work() } as unknown as TransactionRunner,
    allocations as unknown as AllocationsRepository,
    // The same mock: its activateAll stands for the transitions repository.
    allocations as unknown as AllocationTransitionsRepository,
    entitlements as unknown as AllocationEntitlements,
    dispatcher as unknown as UsageReportDispatcher,
    publisher as unknown as AllocationEventsPublisher,
    cache as unknown as CacheService,
    { now: async () => NOW, timeToRecord: () => NOW } as SchedulerClock,
    { allocationMaxDurationMinutes: 1440 } as DeviceServiceConfig,
    { choice: async () => PLAIN } as PlacementChoices,
    new AllocationAdmission(
      {
        allocateMaxInFlight: options.admission?.maxInFlight ?? 8,
        allocateMaxQueued: options.admission?.maxQueued ?? 100,
        allocateMaxWaitMs: 1000,
      } as DeviceServiceConfig,
      metrics,
    ),
    metrics,
  );
  /** The value of a counter for one label set (0 when never incremented). */
  async function counted(name: string, labels: Record<string, string> = {}): Promise<number> {
    const metric = metrics.registry.getSingleMetric(name) as Counter;
    const { values } = await metric.get();
    const entry = values.find((value) =>
      Object.entries(labels).every(([label, wanted]) => value.labels[label] === wanted),
    );
    return entry?.value ?? 0;
  }
  return { useCase, allocations, entitlements, dispatcher, publisher, cache, counted };
}

describe('AllocateDeviceUseCase', () => {
  describe('admission', () => {
    it('answers ALLOCATION_BUSY (503, Retry-After) past the queue, without claiming or taking quota', async () => {
      const { useCase, allocations, entitlements, counted } = setUp({
        admission: { maxInFlight: 1, maxQueued: 0 },
      });
      let release!: () => void;
      entitlements.confirm.mockImplementationOnce(
        () => new Promise<Entitlement>((resolve) => (release = () => resolve(granted))),
      );
      const first = useCase.allocate(principal, request);
      await new Promise((resolve) => setImmediate(resolve));
      await expect(useCase.allocate(principal, request)).rejects.toMatchObject({
        code: 'ALLOCATION_BUSY',
        httpStatus: 503,
        headers: { 'Retry-After': '1' },
      });
      expect(allocations.claimDevice).toHaveBeenCalledTimes(1);
      expect(entitlements.confirm).toHaveBeenCalledTimes(1);
      expect(await counted('cloudphone_allocation_admission_refusals_total', { reason: 'queue_full' })).toBe(
        1,
      );
      expect(await counted('cloudphone_allocation_requests_total', { outcome: 'ALLOCATION_BUSY' })).toBe(1);
      release();
      await expect(first).resolves.toMatchObject({ replayed: false });
      await expect(useCase.allocate(principal, request)).resolves.toMatchObject({
        replayed: false,
      });
    });
  });

  describe('replay by idempotency key', () => {
    it('answers the earlier allocation for the same key and request, without claiming', async () => {
      const { useCase, allocations, counted } = setUp();
      const earlier = earlierAllocation('key-1', hashOfRequest);
      allocations.findByIdempotencyKey.mockResolvedValueOnce(earlier);

      const outcome = await useCase.allocate(principal, request, 'key-1');

      expect(outcome).toEqual({ allocation: earlier.response, replayed: true });
      expect(allocations.findByIdempotencyKey).toHaveBeenCalledWith(USER, 'key-1');
      expect(allocations.claimDevice).not.toHaveBeenCalled();
      expect(await counted('cloudphone_allocation_requests_total', { outcome: 'replayed' })).toBe(1);
    });

    it('refuses the same key with a different request (IDEMPOTENCY_KEY_REUSED)', async () => {
      const { useCase, allocations, counted } = setUp();
      allocations.findByIdempotencyKey.mockResolvedValueOnce(earlierAllocation('key-1', 'another-hash'));

      await expect(useCase.allocate(principal, request, 'key-1')).rejects.toMatchObject({
        code: 'IDEMPOTENCY_KEY_REUSED',
        httpStatus: 422,
        details: { idempotencyKey: 'key-1' },
      });
      expect(allocations.claimDevice).not.toHaveBeenCalled();
      expect(
        await counted('cloudphone_allocation_requests_total', { outcome: 'IDEMPOTENCY_KEY_REUSED' }),
      ).toBe(1);
    });

    it('replays the earlier allocation when a concurrent request with the key claimed first', async () => {
      const { useCase, allocations, entitlements } = setUp({ claims: ['key-taken'] });
      const earlier = earlierAllocation('key-2', hashOfRequest);
      allocations.findByIdempotencyKey.mockResolvedValueOnce(null).mockResolvedValueOnce(earlier);

      const outcome = await useCase.allocate(principal, request, 'key-2');

      expect(outcome).toEqual({ allocation: earlier.response, replayed: true });
      expect(allocations.claimDevice).toHaveBeenCalledTimes(1);
      expect(allocations.claimDevice).toHaveBeenCalledWith(
        expect.objectContaining({ idempotencyKey: 'key-2', requestHash: hashOfRequest }),
        PLAIN,
      );
      expect(entitlements.confirm).not.toHaveBeenCalled();
    });
  });

  it('refuses with NO_DEVICE_AVAILABLE when no free device matches, asking no entitlement', async () => {
    const { useCase, entitlements } = setUp({ claims: ['none'] });

    await expect(useCase.allocate(principal, request)).rejects.toMatchObject({
      code: 'NO_DEVICE_AVAILABLE',
      details: { requirements: expect.objectContaining({ durationMinutes: 30, region: 'eu-west-1' }) },
    });
    expect(entitlements.confirm).not.toHaveBeenCalled();
  });

  it('claims again after losing a race for a device, and counts the conflict', async () => {
    const { useCase, allocations, counted } = setUp({ claims: ['lost-race', 'claimed'] });

    const outcome = await useCase.allocate(principal, request);

    expect(outcome.replayed).toBe(false);
    expect(outcome.allocation.status).toBe('active');
    expect(allocations.claimDevice).toHaveBeenCalledTimes(2);
    expect(await counted('cloudphone_allocation_claim_conflicts_total')).toBe(1);
  });

  it('on a refused entitlement fails the claim, gives the quota back, then throws the refusal', async () => {
    const refusal = new AppError('QUOTA_EXCEEDED', 403, 'Quota exceeded', { exceeded: 'devices' });
    const { useCase, allocations, dispatcher, cache, publisher } = setUp({
      entitlement: { granted: false, refusal, quotaTaken: true },
    });

    await expect(useCase.allocate(principal, request)).rejects.toBe(refusal);

    const claimId = allocations.claimDevice.mock.calls[0][0].allocationId;
    expect(allocations.failClaim).toHaveBeenCalledWith(claimId, 'QUOTA_EXCEEDED');
    expect(dispatcher.store).toHaveBeenCalledWith([
      { kind: 'quota_restore', allocationId: claimId, payload: { userId: USER, allocationId: claimId } },
    ]);
    // Waited for, before the caller hears the refusal.
    expect(dispatcher.deliver).toHaveBeenCalledWith([expect.objectContaining({ kind: 'quota_restore' })]);
    expect(cache.invalidateTags).toHaveBeenCalled();
    expect(allocations.activateAll).not.toHaveBeenCalled();
    expect(publisher.allocated).not.toHaveBeenCalled();
    expect(publisher.failed).toHaveBeenCalledWith(expect.objectContaining({ id: claimId }), 'QUOTA_EXCEEDED');
  });

  it('answers ALLOCATION_ABANDONED when the claim was failed before its activation', async () => {
    const { useCase, allocations, publisher, dispatcher } = setUp();
    allocations.activateAll.mockResolvedValueOnce([null]);

    await expect(useCase.allocate(principal, request)).rejects.toMatchObject({
      code: 'ALLOCATION_ABANDONED',
      httpStatus: 503,
    });
    expect(publisher.written).not.toHaveBeenCalled();
    expect(dispatcher.deliverInBackground).not.toHaveBeenCalled();
  });

  it('activates the claim and writes its device.allocated in the same statement when nothing is owed', async () => {
    const { useCase, allocations, publisher, dispatcher } = setUp();

    const outcome = await useCase.allocate(principal, request);

    const claim = await allocations.claimDevice.mock.results[0].value;
    expect(publisher.allocatedRow).toHaveBeenCalledWith(claim.claim);
    expect(allocations.activateAll).toHaveBeenCalledWith([
      {
        claim: claim.claim,
        at: NOW,
        response: expect.objectContaining({ status: 'active' }),
        event: { type: 'device.allocated', claimId: claim.claim.id },
      },
    ]);
    expect(publisher.written).toHaveBeenCalledTimes(1);
    expect(publisher.allocated).not.toHaveBeenCalled();
    expect(dispatcher.store).not.toHaveBeenCalled();
    expect(outcome.allocation).toMatchObject({ status: 'active', deviceId: DEVICE });
  });

  it('asks for the eviction the answer waits for before waking the relay', async () => {
    const { useCase, publisher, cache } = setUp();

    await useCase.allocate(principal, request);

    // Both run one event-loop turn later, in the order asked: the relay's claim must not go first.
    expect(cache.invalidateTags.mock.invocationCallOrder[0]).toBeLessThan(
      publisher.written.mock.invocationCallOrder[0],
    );
  });

  it('evicts the free list once the claim commits, beside the entitlement calls, and answers after it', async () => {
    const { useCase, allocations, entitlements, cache } = setUp();
    let grant!: () => void;
    entitlements.confirm.mockImplementationOnce(
      () => new Promise<Entitlement>((resolve) => (grant = () => resolve(granted))),
    );
    let evict!: () => void;
    cache.invalidateTags.mockImplementationOnce(
      () => new Promise<undefined>((resolve) => (evict = () => resolve(undefined))),
    );
    let answered = false;
    const outcome = useCase.allocate(principal, request).then((result) => {
      answered = true;
      return result;
    });
    await new Promise((resolve) => setImmediate(resolve));

    // Asked after the claim and the entitlement calls (their requests leave first), while those are out.
    expect(cache.invalidateTags).toHaveBeenCalledWith('devices:available');
    expect(cache.invalidateTags.mock.invocationCallOrder[0]).toBeGreaterThan(
      entitlements.confirm.mock.invocationCallOrder[0],
    );
    expect(entitlements.confirm.mock.invocationCallOrder[0]).toBeGreaterThan(
      allocations.claimDevice.mock.invocationCallOrder[0],
    );
    expect(allocations.activateAll).not.toHaveBeenCalled();
    grant();
    for (let turn = 0; turn < 10 && allocations.activateAll.mock.calls.length === 0; turn++)
      await new Promise((resolve) => setImmediate(resolve));
    // Activated, but the answer still waits for the eviction (a caller's next read sees the change).
    expect(allocations.activateAll).toHaveBeenCalledTimes(1);
    expect(answered).toBe(false);
    evict();
    await expect(outcome).resolves.toMatchObject({ replayed: false });
    expect(cache.invalidateTags).toHaveBeenCalledTimes(1);
  });

  it('activates the claim, publishes device.allocated through the publisher and sends the report', async () => {
    const { useCase, allocations, publisher, dispatcher, cache, counted } = setUp({
      entitlement: { granted: true, quotaDeferred: true },
    });

    const outcome = await useCase.allocate(principal, request);

    const [active] = await allocations.activateAll.mock.results[0].value;
    expect(allocations.activateAll).toHaveBeenCalledWith([
      {
        claim: expect.objectContaining({ status: 'pending' }),
        at: NOW,
        response: expect.objectContaining({ status: 'active', id: expect.any(String) }),
      },
    ]);
    expect(outcome).toEqual({ allocation: toAllocationResponse(active), replayed: false });
    expect(outcome.allocation).toMatchObject({ status: 'active', deviceId: DEVICE, userId: USER });
    expect(publisher.allocated).toHaveBeenCalledWith(active);
    // User-service was down under `allow`: the quota usage is owed, stored and sent after the commit.
    expect(dispatcher.store).toHaveBeenCalledWith([
      expect.objectContaining({ kind: 'quota_usage', allocationId: active.id }),
    ]);
    expect(dispatcher.deliverInBackground).toHaveBeenCalledWith([
      expect.objectContaining({ kind: 'quota_usage', rowId: '1' }),
    ]);
    expect(cache.invalidateTags).toHaveBeenCalledWith('devices:available');
    expect(await counted('cloudphone_allocation_requests_total', { outcome: 'allocated' })).toBe(1);
  });

  it('refuses a duration over ALLOCATION_MAX_DURATION_MINUTES before looking for a device', async () => {
    const { useCase, allocations } = setUp();

    await expect(useCase.allocate(principal, { durationMinutes: 1441 })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(allocations.claimDevice).not.toHaveBeenCalled();
  });
});
