import { ADMIN_ROLE, type Principal } from '@cloudphone/shared';
import { type AllocationRecord, toAllocationResponse } from './allocation-record';
import type { AllocationsRepository } from './allocations.repository';
import type { EndAllocations } from './end-allocations.service';
import { ReleaseAllocationUseCase } from './release-allocation.use-case';

// The release use case with its repository and the shared ending step faked as plain objects.

const OWNER = '0b7c6f4e-1f7a-4a53-9d1e-4c1f2f0a0001';
const STRANGER = '0b7c6f4e-1f7a-4a53-9d1e-4c1f2f0a0003';
const ADMIN = '0b7c6f4e-1f7a-4a53-9d1e-4c1f2f0a0004';
const ALLOCATION = '0b7c6f4e-1f7a-4a53-9d1e-4c1f2f0a0010';
const DEVICE = '0b7c6f4e-1f7a-4a53-9d1e-4c1f2f0a0002';
const START = new Date('2026-01-05T10:00:00.000Z');

const owner: Principal = { kind: 'user', userId: OWNER, roles: [], tenantId: null };
const stranger: Principal = { kind: 'user', userId: STRANGER, roles: [], tenantId: null };
const admin: Principal = { kind: 'user', userId: ADMIN, roles: [ADMIN_ROLE], tenantId: null };

function allocation(overrides: Partial<AllocationRecord> = {}): AllocationRecord {
  return {
    id: ALLOCATION,
    deviceId: DEVICE,
    userId: OWNER,
    tenantId: 'default',
    status: 'active',
    fencingToken: '7',
    region: 'eu-west-1',
    androidVersion: '13',
    cpuCores: 2,
    memoryMb: 4096,
    storageGb: 32,
    durationMinutes: 30,
    claimedAt: START,
    startedAt: START,
    expiresAt: new Date(START.getTime() + 30 * 60_000),
    endedAt: null,
    endReason: null,
    billedSeconds: null,
    failureCode: null,
    idempotencyKey: null,
    requestHash: null,
    response: null,
    chargedAmountMinor: null,
    chargedCurrency: null,
    extensionCount: 0,
    extendedMinutes: 0,
    lastExtendedAt: null,
    createdAt: START,
    ...overrides,
  };
}

const released = (reason: 'released' | 'admin') =>
  allocation({
    status: 'released',
    endReason: reason,
    endedAt: new Date(START.getTime() + 61_000),
    billedSeconds: 61,
  });

function setUp(current: AllocationRecord | null = allocation()) {
  const allocations = {
    findById: jest.fn(async (): Promise<AllocationRecord | null> => current),
    findCurrentOfDevice: jest.fn(async (): Promise<AllocationRecord | null> => current),
  };
  // Ends as the conditional statement would: only the active allocation, of that owner and claim.
  const endings = {
    endOne: jest.fn(
      async (
        _id: string,
        reason: 'released' | 'admin',
        fencingToken?: string,
        ownerId?: string,
      ): Promise<AllocationRecord | null> =>
        current?.status === 'active' &&
        (fencingToken === undefined || fencingToken === current.fencingToken) &&
        (ownerId === undefined || ownerId === current.userId)
          ? released(reason)
          : null,
    ),
    endAllOfUser: jest.fn(async () => [] as AllocationRecord[]),
  };
  const useCase = new ReleaseAllocationUseCase(
    allocations as unknown as AllocationsRepository,
    endings as unknown as EndAllocations,
  );
  return { useCase, allocations, endings };
}

/** How many endOne calls really ended an allocation. */
async function endedCount(endings: ReturnType<typeof setUp>['endings']): Promise<number> {
  const answers = await Promise.all(endings.endOne.mock.results.map((result) => result.value));
  return answers.filter((answer) => answer !== null).length;
}

describe('ReleaseAllocationUseCase', () => {
  it("ends the owner's active allocation in one step, without a look-up first, and answers it ended", async () => {
    const { useCase, allocations, endings } = setUp();

    const answer = await useCase.release(owner, { allocationId: ALLOCATION, fencingToken: '7' });

    expect(endings.endOne).toHaveBeenCalledWith(ALLOCATION, 'released', '7', OWNER);
    expect(allocations.findById).not.toHaveBeenCalled();
    expect(answer).toEqual(toAllocationResponse(released('released')));
  });

  it("ends another user's allocation as `admin` for an admin, found by its device", async () => {
    const { useCase, allocations, endings } = setUp();

    await useCase.release(admin, { deviceId: DEVICE });

    expect(allocations.findCurrentOfDevice).toHaveBeenCalledWith(DEVICE);
    expect(endings.endOne).toHaveBeenCalledWith(ALLOCATION, 'admin', '7');
  });

  it('needs exactly one of allocationId and deviceId', async () => {
    const { useCase } = setUp();
    await expect(useCase.release(owner, {})).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(
      useCase.release(owner, { allocationId: ALLOCATION, deviceId: DEVICE }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });

  it('refuses an unknown allocation, a stranger and an older fencing token, ending nothing', async () => {
    await expect(setUp(null).useCase.release(owner, { allocationId: ALLOCATION })).rejects.toMatchObject({
      code: 'ALLOCATION_NOT_FOUND',
    });
    const { useCase, endings } = setUp();
    await expect(useCase.release(stranger, { allocationId: ALLOCATION })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(
      useCase.release(owner, { allocationId: ALLOCATION, fencingToken: '6' }),
    ).rejects.toMatchObject({
      code: 'STALE_FENCING_TOKEN',
      details: { given: '6', current: '7' },
    });
    expect(await endedCount(endings)).toBe(0);
  });

  it('answers REQUEST_IN_PROGRESS for a pending claim and the ended allocation for a repeat', async () => {
    await expect(
      setUp(allocation({ status: 'pending' })).useCase.release(owner, { allocationId: ALLOCATION }),
    ).rejects.toMatchObject({ code: 'REQUEST_IN_PROGRESS' });

    const { useCase, endings } = setUp(released('released'));
    expect(await useCase.release(owner, { allocationId: ALLOCATION })).toEqual(
      toAllocationResponse(released('released')),
    );
    expect(await endedCount(endings)).toBe(0);
  });

  it('answers what happened when the allocation ended meanwhile (expiry job, concurrent release)', async () => {
    const { useCase, allocations, endings } = setUp();
    const expired = allocation({
      status: 'expired',
      endReason: 'expired',
      endedAt: START,
      billedSeconds: 1800,
    });
    // Neither the owner's one-step end nor the checked one finds it active any more.
    endings.endOne.mockResolvedValueOnce(null).mockResolvedValueOnce(null);
    allocations.findById.mockResolvedValueOnce(allocation()).mockResolvedValueOnce(expired);

    expect(await useCase.release(owner, { allocationId: ALLOCATION })).toEqual(toAllocationResponse(expired));
  });

  it('releases every active allocation of an overdue account through the shared ending step', async () => {
    const { useCase, endings } = setUp();
    await useCase.releaseAllOfUser(OWNER, 'account_overdue');
    expect(endings.endAllOfUser).toHaveBeenCalledWith(OWNER, 'account_overdue');
  });
});
