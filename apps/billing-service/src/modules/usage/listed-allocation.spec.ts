import { randomUUID } from 'node:crypto';
import type { AllocationResponse } from '@cloudphone/contracts';
import { listedAllocationVerdict } from './listed-allocation';

const listed = (overrides: Record<string, unknown> = {}): AllocationResponse =>
  ({
    id: randomUUID(),
    userId: randomUUID(),
    tenantId: 'default',
    deviceId: randomUUID(),
    cpuCores: 4,
    memoryMb: 8192,
    storageGb: 64,
    startedAt: '2026-12-07T01:00:00.000Z',
    expiresAt: '2026-12-07T04:00:00.000Z',
    status: 'active',
    ...overrides,
  }) as unknown as AllocationResponse;

describe('listedAllocationVerdict', () => {
  it("starts a meter with the allocation's owner, device, spec and period", () => {
    const allocation = listed({ startedAt: '2026-12-07T02:00:00+01:00' });
    expect(listedAllocationVerdict(allocation)).toEqual({
      start: {
        allocationId: allocation.id,
        userId: allocation.userId,
        tenantId: 'default',
        deviceId: allocation.deviceId,
        cpuCores: 4,
        memoryMb: 8192,
        storageGb: 64,
        startedAt: new Date('2026-12-07T01:00:00.000Z'),
        expiresAt: new Date('2026-12-07T04:00:00.000Z'),
      },
    });
  });

  it('takes the widest values the meter columns hold', () => {
    const verdict = listedAllocationVerdict(
      listed({
        cpuCores: 0,
        memoryMb: 2_147_483_647,
        tenantId: 't'.repeat(128),
        expiresAt: '2026-12-07T01:00:00.000Z',
      }),
    );
    expect(verdict).toHaveProperty('start');
  });

  it.each([
    ['id', 'constructor', 'id is not a uuid'],
    ['userId', undefined, 'userId is not a uuid'],
    ['deviceId', `${randomUUID()}\u0000`, 'deviceId is not a uuid'],
    ['tenantId', '', 'tenantId is not 1–128 characters without NUL'],
    ['tenantId', 'a\u0000b', 'tenantId is not 1–128 characters without NUL'],
    ['tenantId', 't'.repeat(129), 'tenantId is not 1–128 characters without NUL'],
    ['tenantId', { toString: () => 'default' }, 'tenantId is not 1–128 characters without NUL'],
    ['cpuCores', -1, 'cpuCores is not an integer from 0 to 2147483647'],
    ['memoryMb', 2_147_483_648, 'memoryMb is not an integer from 0 to 2147483647'],
    ['storageGb', 1.5, 'storageGb is not an integer from 0 to 2147483647'],
    ['storageGb', '64', 'storageGb is not an integer from 0 to 2147483647'],
    ['cpuCores', Number.NaN, 'cpuCores is not an integer from 0 to 2147483647'],
    ['startedAt', 'yesterday', 'startedAt or expiresAt is not a date-time'],
    ['startedAt', '2026-12-07', 'startedAt or expiresAt is not a date-time'],
    ['expiresAt', '2026-13-45T99:00:00Z', 'startedAt or expiresAt is not a date-time'],
    ['expiresAt', null, 'startedAt or expiresAt is not a date-time'],
    ['expiresAt', '2026-12-07T00:59:59.999Z', 'expiresAt is before startedAt'],
  ])('leaves out an item whose %s is %p: %s', (field, value, reason) => {
    expect(listedAllocationVerdict(listed({ [field]: value }))).toEqual({ malformed: reason });
  });
});
