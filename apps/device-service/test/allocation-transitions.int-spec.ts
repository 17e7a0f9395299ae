import { randomUUID } from 'node:crypto';
import { SharedStatement } from '@cloudphone/shared';
import { type AllocationRecord, toAllocationResponse } from '../src/modules/allocations/allocation-record';
import { type AllocationRows, openAllocationRows } from './allocation-rows.fixture';
import type { AllocationEnd } from '../src/modules/allocations/allocation-transitions.repository';

// The activation and end statements with several items (allocation-transitions.repository.ts), against
// real Postgres: concurrent requests of a replica share them, so each item must come out exactly as
// it would alone, whatever the others in its statement are.

describe('activations and ends shared by concurrent requests', () => {
  let fixture: AllocationRows;

  beforeAll(async () => {
    fixture = await openAllocationRows({
      count: 40,
      prefix: 'transition-',
      cpuCores: 2,
      memoryMb: 4096,
      storageGb: 32,
    });
  });

  afterAll(() => fixture?.db.close());

  const claim = (userId?: string) => fixture.claim(userId);
  const active = (userId?: string) => fixture.active(userId);

  const activation = (pending: AllocationRecord, withEvent: boolean) => ({
    claim: pending,
    at: null,
    response: toAllocationResponse({ ...pending, status: 'active' }),
    event: withEvent
      ? {
          eventId: randomUUID(),
          type: 'device.allocated',
          version: 1,
          aggregateKey: `device:${pending.deviceId}`,
          data: { allocationId: pending.id },
        }
      : undefined,
  });

  const eventsOf = (type: string, ids: string[]) =>
    fixture.db.query<{ aggregate_key: string; data: Record<string, unknown> }>(
      `SELECT aggregate_key, data FROM outbox WHERE event_type = $1 AND data->>'allocationId' = ANY($2)`,
      [type, ids],
    );

  it('activates each pending claim of a statement; a failed claim and a repeated item get null', async () => {
    const [first, second, third, failed] = await Promise.all([claim(), claim(), claim(), claim()]);
    await fixture.allocations.failClaim(failed.id, 'QUOTA_EXCEEDED');

    const rows = await fixture.transitions.activateAll([
      activation(first, true),
      activation(second, false),
      activation(failed, true),
      activation(third, true),
      activation(first, true),
    ]);

    expect(rows.map((row) => row?.id ?? null)).toEqual([first.id, second.id, null, third.id, null]);
    for (const row of [rows[0], rows[1], rows[3]]) {
      expect(row).toMatchObject({ status: 'active' });
      expect(row?.response).toMatchObject({
        id: row?.id,
        status: 'active',
        startedAt: row?.startedAt.toISOString(),
        expiresAt: row?.expiresAt.toISOString(),
      });
    }
    // Events only for the items that carried one and activated, once each, with the recorded times.
    const events = await eventsOf('device.allocated', [first.id, second.id, third.id, failed.id]);
    expect(events.map((event) => event.data.allocationId).sort()).toEqual([first.id, third.id].sort());
    const firstEvent = events.find((event) => event.data.allocationId === first.id);
    expect(firstEvent?.data).toMatchObject({ startedAt: rows[0]?.startedAt.toISOString() });
  });

  it('ends each item it may end: another owner, a stale claim, an ended row and a repeat end nothing', async () => {
    const owner = randomUUID();
    const [mine, alsoMine, notMine, stale, done] = await Promise.all([
      active(owner),
      active(owner),
      active(),
      active(owner),
      active(owner),
    ]);
    await fixture.transitions.endAll([{ id: done.id, reason: 'released', at: null }]);
    const before = await fixture.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox`);

    const ended = await fixture.transitions.endAll([
      { id: mine.id, reason: 'released', at: null, ownerId: owner, fencingToken: mine.fencingToken },
      { id: notMine.id, reason: 'released', at: null, ownerId: owner },
      { id: stale.id, reason: 'released', at: null, fencingToken: String(BigInt(stale.fencingToken) + 1n) },
      { id: done.id, reason: 'released', at: null },
      { id: alsoMine.id, reason: 'admin', at: null },
      { id: mine.id, reason: 'released', at: null },
    ]);

    expect(ended.map((item) => item?.allocation.id ?? null)).toEqual([
      mine.id,
      null,
      null,
      null,
      alsoMine.id,
      null,
    ]);
    expect(ended[0]?.allocation).toMatchObject({ status: 'released', endReason: 'released' });
    expect(ended[4]?.allocation).toMatchObject({ status: 'released', endReason: 'admin' });
    for (const item of [ended[0], ended[4]]) {
      expect(item?.reports.map((report) => report.type).sort()).toEqual([
        'report.billing_usage',
        'report.quota_restore',
      ]);
      expect(item?.reports.every((report) => report.key === item.allocation.id)).toBe(true);
    }
    // Two reports and one event for each ended allocation, nothing for the others.
    const after = await fixture.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox`);
    expect(after[0].n - before[0].n).toBe(6);
    const devices = await fixture.db.query<{ id: string; status: string }>(
      `SELECT id, status FROM devices WHERE id = ANY($1)`,
      [[mine.deviceId, alsoMine.deviceId, notMine.deviceId, stale.deviceId]],
    );
    expect(Object.fromEntries(devices.map((device) => [device.id, device.status]))).toEqual({
      [mine.deviceId]: 'resetting',
      [alsoMine.deviceId]: 'resetting',
      [notMine.deviceId]: 'allocated',
      [stale.deviceId]: 'allocated',
    });
  });

  it('two statements ending the same rows in opposite orders neither deadlock nor end a row twice', async () => {
    for (let round = 0; round < 5; round++) {
      const rows = await Promise.all([active(), active(), active()]);
      const ends = rows.map((row): AllocationEnd => ({ id: row.id, reason: 'released', at: null }));

      const [forward, backward] = await Promise.all([
        fixture.transitions.endAll(ends),
        fixture.transitions.endAll([...ends].reverse()),
      ]);

      const endedBy = rows.map((_, index) => [forward[index], backward[2 - index]].filter(Boolean).length);
      expect(endedBy).toEqual([1, 1, 1]);
      const events = await eventsOf(
        'device.released',
        rows.map((row) => row.id),
      );
      expect(events).toHaveLength(3);
    }
  });

  it('shared through SharedStatement: an item the database refuses fails alone, the others end', async () => {
    const statement = new SharedStatement((items: AllocationEnd[]) => fixture.transitions.endAll(items));
    const [first, second, third] = await Promise.all([active(), active(), active()]);

    const outcomes = await Promise.allSettled([
      statement.run({ id: first.id, reason: 'released', at: null }),
      // A fencing token past bigint: Postgres refuses the whole statement it is in.
      statement.run({ id: second.id, reason: 'released', at: null, fencingToken: '9223372036854775808' }),
      statement.run({ id: third.id, reason: 'released', at: null }),
    ]);

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const statuses = await fixture.db.query<{ id: string; status: string }>(
      `SELECT id, status FROM device_allocations WHERE id = ANY($1)`,
      [[first.id, second.id, third.id]],
    );
    expect(Object.fromEntries(statuses.map((row) => [row.id, row.status]))).toEqual({
      [first.id]: 'released',
      [second.id]: 'active',
      [third.id]: 'released',
    });
  });
});
