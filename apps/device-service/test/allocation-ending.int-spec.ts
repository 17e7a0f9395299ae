import { randomUUID } from 'node:crypto';
import {
  AllocationExpiredEventData,
  DeviceReleasedEventData,
  QuotaRestoreRequest,
  UsageRecordRequest,
} from '@cloudphone/contracts';
import { outboxMessageId } from '@cloudphone/shared';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { AllocationRecord } from '../src/modules/allocations/allocation-record';
import { type AllocationRows, openAllocationRows } from './allocation-rows.fixture';
import type { AllocationEnd } from '../src/modules/allocations/allocation-transitions.repository';

// The end statements against real Postgres: each writes, in the same statement, the quota restore,
// the usage record and the event every ended allocation owes, built in SQL from the ended row
// (allocation-ending-sql.ts). These payloads skip the publisher's check, so here they are compared
// field by field with what the contract classes describe, and validated against those classes as
// user-service, billing-service and the event consumers validate them.

// Not the default tenant, so the payload shows the row's own. (Tenant ids are checked by the table:
// lower-case letters, digits and hyphens; every value reaches the JSON through jsonb_build_object.)
const TENANT = 'acme-42';

type OutboxRow = {
  event_id: string;
  destination: string;
  event_type: string;
  event_version: number;
  aggregate_key: string;
  data: Record<string, unknown>;
};

describe('ending allocations writes their reports and events in the same statement', () => {
  let fixture: AllocationRows;

  beforeAll(async () => {
    fixture = await openAllocationRows({
      count: 10,
      prefix: 'ending-',
      cpuCores: 4,
      memoryMb: 8192,
      storageGb: 64,
    });
  });

  afterAll(() => fixture?.db.close());

  const activeAllocation = (userId: string, startedAt: Date | null = null) =>
    fixture.active(userId, { tenantId: TENANT, startedAt });

  const endOne = async (end: AllocationEnd) => (await fixture.transitions.endAll([end]))[0];

  const outboxOf = (allocation: AllocationRecord) =>
    fixture.db.query<OutboxRow>(
      `SELECT event_id, destination, event_type, event_version, aggregate_key, data FROM outbox
       WHERE aggregate_key IN ($1, $2, $3) ORDER BY destination, event_type`,
      [allocation.id, `allocation:${allocation.id}`, `device:${allocation.deviceId}`],
    );

  function expectValid(payloadClass: new () => object, data: unknown, forbidExtra: boolean): void {
    const errors = validateSync(plainToInstance(payloadClass, data), {
      forbidUnknownValues: true,
      whitelist: forbidExtra,
      forbidNonWhitelisted: forbidExtra,
    });
    expect(errors.map((error) => error.toString())).toEqual([]);
  }

  /** The reports of an ended allocation, as the contract's request classes describe them. */
  function expectReports(rows: OutboxRow[], ended: AllocationRecord): void {
    const reports = rows.filter((row) => row.destination !== 'events');
    const usage = {
      allocationId: ended.id,
      userId: ended.userId,
      tenantId: TENANT,
      deviceId: ended.deviceId,
      startedAt: ended.startedAt.toISOString(),
      endedAt: ended.endedAt?.toISOString(),
      billedSeconds: ended.billedSeconds,
      cpuCores: 4,
      memoryMb: 8192,
      storageGb: 64,
    };
    expect(reports).toEqual([
      {
        event_id: outboxMessageId(ended.id, 'billing_usage'),
        destination: 'billing-service',
        event_type: 'report.billing_usage',
        event_version: 1,
        aggregate_key: ended.id,
        data: usage,
      },
      {
        event_id: outboxMessageId(ended.id, 'quota_restore'),
        destination: 'user-service',
        event_type: 'report.quota_restore',
        event_version: 1,
        aggregate_key: ended.id,
        data: { userId: ended.userId, allocationId: ended.id },
      },
    ]);
    expectValid(UsageRecordRequest, reports[0].data, true);
    expectValid(QuotaRestoreRequest, reports[1].data, true);
  }

  it('releases: the row, its device, both reports and device.released, in one statement', async () => {
    const userId = randomUUID();
    const allocation = await activeAllocation(userId);

    const ended = await endOne({
      id: allocation.id,
      reason: 'released',
      at: null,
      fencingToken: allocation.fencingToken,
      ownerId: userId,
    });

    expect(ended?.allocation).toMatchObject({ id: allocation.id, status: 'released', endReason: 'released' });
    const record = ended?.allocation as AllocationRecord;
    expect(ended?.reports.map((report) => report.type).sort()).toEqual([
      'report.billing_usage',
      'report.quota_restore',
    ]);
    expect(ended?.reports.every((report) => typeof report.rowId === 'string' && report.attempts === 0)).toBe(
      true,
    );
    const rows = await outboxOf(record);
    expectReports(rows, record);
    const [event] = rows.filter((row) => row.destination === 'events');
    expect(event).toMatchObject({
      event_type: 'device.released',
      event_version: 1,
      aggregate_key: `device:${record.deviceId}`,
    });
    expect(event.data).toEqual({
      allocationId: record.id,
      deviceId: record.deviceId,
      userId,
      tenantId: TENANT,
      startedAt: record.startedAt.toISOString(),
      endedAt: record.endedAt?.toISOString(),
      billedSeconds: record.billedSeconds,
      reason: 'released',
      fencingToken: record.fencingToken,
    });
    expectValid(DeviceReleasedEventData, event.data, false);
    const [device] = await fixture.db.query<{ status: string }>('SELECT status FROM devices WHERE id = $1', [
      record.deviceId,
    ]);
    expect(device.status).toBe('resetting');

    // A repeat, another owner or a stale claim ends nothing and writes nothing.
    const outboxRows = async () =>
      (await fixture.db.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox'))[0].n;
    const before = await outboxRows();
    expect(await endOne({ id: allocation.id, reason: 'released', at: null })).toBeNull();
    const other = await activeAllocation(userId);
    expect(
      await endOne({
        id: other.id,
        reason: 'released',
        at: null,
        fencingToken: other.fencingToken,
        ownerId: randomUUID(),
      }),
    ).toBeNull();
    expect(
      await endOne({
        id: other.id,
        reason: 'released',
        at: null,
        fencingToken: String(BigInt(other.fencingToken) + 1n),
      }),
    ).toBeNull();
    expect(await outboxRows()).toBe(before);
  });

  it('expires: allocation.expired billed to the scheduled end, with both reports', async () => {
    const allocation = await activeAllocation(randomUUID(), new Date(Date.now() - 31 * 60_000));

    const expired = await fixture.allocations.expireDue(new Date(), 100);

    const ended = expired.find((item) => item.allocation.id === allocation.id);
    expect(ended?.allocation).toMatchObject({ status: 'expired', billedSeconds: 1800 });
    const record = ended?.allocation as AllocationRecord;
    expect(ended?.reports).toHaveLength(2);
    const rows = await outboxOf(record);
    expectReports(rows, record);
    const [event] = rows.filter((row) => row.destination === 'events');
    expect(event).toMatchObject({
      event_type: 'allocation.expired',
      aggregate_key: `allocation:${record.id}`,
    });
    expect(event.data).toEqual({
      allocationId: record.id,
      deviceId: record.deviceId,
      userId: record.userId,
      tenantId: TENANT,
      startedAt: record.startedAt.toISOString(),
      expiredAt: record.expiresAt.toISOString(),
      billedSeconds: 1800,
    });
    expectValid(AllocationExpiredEventData, event.data, false);
  });

  it('ends all of a user: each allocation gets its own reports and event', async () => {
    const userId = randomUUID();
    const first = await activeAllocation(userId);
    const second = await activeAllocation(userId);

    const ended = await fixture.allocations.endAllOfUser(userId, 'account_overdue', null);

    expect(ended.map((item) => item.allocation.id).sort()).toEqual([first.id, second.id].sort());
    for (const { allocation, reports } of ended) {
      expect(reports.map((report) => report.key)).toEqual([allocation.id, allocation.id]);
      const rows = await outboxOf(allocation);
      expectReports(rows, allocation);
      const [event] = rows.filter((row) => row.destination === 'events');
      expect(event.data).toMatchObject({ allocationId: allocation.id, reason: 'account_overdue' });
      expectValid(DeviceReleasedEventData, event.data, false);
    }
  });
});
