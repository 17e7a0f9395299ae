import type { UsageRecordRequest } from '@cloudphone/contracts';
import { billablePeriod } from './usage-period';

function report(overrides: Partial<UsageRecordRequest>): UsageRecordRequest {
  return {
    allocationId: '00000000-0000-4000-8000-000000000001',
    userId: '00000000-0000-4000-8000-000000000002',
    tenantId: 'default',
    deviceId: '00000000-0000-4000-8000-000000000003',
    startedAt: '2025-01-01T10:00:00.000Z',
    endedAt: '2025-01-01T10:01:40.000Z',
    billedSeconds: 100,
    cpuCores: 2,
    memoryMb: 4096,
    storageGb: 32,
    ...overrides,
  };
}

describe('billablePeriod', () => {
  it('accepts a report billing the whole period or less', () => {
    expect(billablePeriod(report({})).startedAt.toISOString()).toBe('2025-01-01T10:00:00.000Z');
    expect(() => billablePeriod(report({ billedSeconds: 0 }))).not.toThrow();
  });

  it('accepts a started second billed in full', () => {
    expect(() =>
      billablePeriod(report({ endedAt: '2025-01-01T10:01:39.200Z', billedSeconds: 100 })),
    ).not.toThrow();
  });

  it('compares instants across time-zone offsets', () => {
    expect(() =>
      billablePeriod(report({ startedAt: '2025-01-01T11:00:00+01:00', endedAt: '2025-01-01T10:01:40Z' })),
    ).not.toThrow();
  });

  it('refuses an end before the start', () => {
    expect(() => billablePeriod(report({ endedAt: '2025-01-01T09:59:59.000Z', billedSeconds: 0 }))).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
  });

  it('refuses more billed seconds than the period holds', () => {
    expect(() => billablePeriod(report({ billedSeconds: 101 }))).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED', httpStatus: 400 }),
    );
  });
});
