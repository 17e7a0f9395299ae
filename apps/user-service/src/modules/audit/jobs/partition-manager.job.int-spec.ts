import { MetricsService } from '@cloudphone/shared';
import {
  createRepositoryTestDatabase,
  gaugeValues,
  manualCronRunContext,
  type RepositoryTestDatabase,
} from '@cloudphone/shared/testing';
import { auditPartitionMonth, monthIndexOf } from '../audit-partition-months';
import { AuditPartitionsRepository } from '../audit-partitions.repository';
import { AuditPartitionsService } from '../audit-partitions.service';
import { PartitionManagerJob } from './partition-manager.job';

// The partition manager against the real migration 0004: months created ahead, rows caught by the
// default partition moved into their month without loss, months past retention dropped, and two
// runs at once (with writers going on) ending in the same state as one.

const NOW = new Date();
const CURRENT = monthIndexOf(NOW);
/** The month `offset` months from now: its partition name and a timestamp inside it. */
const month = (offset: number) => {
  const { name, from } = auditPartitionMonth(CURRENT + offset);
  return { name, inside: (day: number) => new Date(from.getTime() + (day - 1) * 86_400_000) };
};

describe('partition-manager', () => {
  let db: RepositoryTestDatabase;

  beforeAll(async () => {
    db = await createRepositoryTestDatabase('user-service');
  });

  afterAll(() => db?.close());

  const service = (settings: { monthsAhead: number; retentionMonths?: number }, metrics?: MetricsService) =>
    new AuditPartitionsService(
      db.transactions,
      new AuditPartitionsRepository(db.sql),
      {
        auditPartitionMonthsAhead: settings.monthsAhead,
        auditRetentionMonths: settings.retentionMonths ?? 12,
      } as ConstructorParameters<typeof AuditPartitionsService>[2],
      metrics ?? new MetricsService('user-service'),
    );

  const insertAt = async (at: Date, count = 1): Promise<string[]> => {
    const rows = await db.query<{ id: string }>(
      `INSERT INTO security_audit_events (occurred_at, event, details)
       SELECT $1, 'login.failed', jsonb_build_object('n', n) FROM generate_series(1, $2) n
       RETURNING id`,
      [at, count],
    );
    return rows.map((row) => row.id);
  };

  /** Monthly partitions and the default, with how many rows each holds. */
  const rowsPerPartition = async (): Promise<Record<string, number>> => {
    const partitions = await db.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'security_audit_events'::regclass`,
    );
    const counts = await db.query<{ name: string; count: number }>(
      `SELECT tableoid::regclass::text AS name, count(*)::int AS count FROM security_audit_events GROUP BY 1`,
    );
    return Object.fromEntries(
      partitions.map(({ name }) => [name, counts.find((count) => count.name === name)?.count ?? 0]),
    );
  };

  const allIds = async () =>
    (await db.query<{ id: string }>(`SELECT id FROM security_audit_events ORDER BY id`)).map((row) => row.id);

  it('creates the current month through AUDIT_PARTITION_MONTHS_AHEAD, and nothing on a second run', async () => {
    // Migration 0004 made this month and the next two.
    expect(Object.keys(await rowsPerPartition()).sort()).toEqual(
      ['security_audit_events_default', month(0).name, month(1).name, month(2).name].sort(),
    );
    const metrics = new MetricsService('user-service');
    const job = new PartitionManagerJob(service({ monthsAhead: 3 }, metrics));

    await job.maintain(manualCronRunContext());

    expect(Object.keys(await rowsPerPartition())).toContain(month(3).name);
    const second = await service({ monthsAhead: 3 }).maintain(new Date());
    expect(second).toEqual({ created: [], dropped: [], movedRows: 0, expiredDefaultRows: 0 });
    expect(await gaugeValues(metrics, 'cloudphone_audit_partitions')).toEqual(
      expect.arrayContaining([
        { labels: { state: 'current' }, value: 1 },
        { labels: { state: 'future' }, value: 3 },
      ]),
    );
    // The new partition has the parent's primary key and indexes.
    const indexes = await db.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM pg_index WHERE indrelid = $1::regclass`,
      [month(3).name],
    );
    expect(indexes[0].count).toBe(3);
  });

  it('moves rows the default partition holds for a month it creates, losing none', async () => {
    const inDefault = [
      ...(await insertAt(month(5).inside(3), 2)),
      ...(await insertAt(month(6).inside(28), 3)),
      ...(await insertAt(month(9).inside(1))),
    ];
    const before = await allIds();
    expect((await rowsPerPartition()).security_audit_events_default).toBe(6);

    const outcome = await service({ monthsAhead: 6 }).maintain(new Date());

    expect(outcome).toMatchObject({
      created: [month(4).name, month(5).name, month(6).name],
      movedRows: 5,
    });
    const counts = await rowsPerPartition();
    expect(counts[month(5).name]).toBe(2);
    expect(counts[month(6).name]).toBe(3);
    // Month +9 has no partition yet: its row stays in the default.
    expect(counts.security_audit_events_default).toBe(1);
    expect(await allIds()).toEqual(before);
    expect(before).toEqual(expect.arrayContaining(inDefault));
  });

  it('drops months past retention and deletes default rows past it, keeping the oldest retained month', async () => {
    // Months -15..-12 as a run back then would have made them, with a row in each.
    for (const offset of [-15, -14, -13, -12]) await insertAt(month(offset).inside(10));
    const old = await insertAt(month(-20).inside(5));
    const past = new Date(auditPartitionMonth(CURRENT - 15).from.getTime() + 86_400_000);
    const back = await service({ monthsAhead: 3 }).maintain(past);
    expect(back.created).toEqual([month(-15).name, month(-14).name, month(-13).name, month(-12).name]);
    expect(back.movedRows).toBe(4);

    const metrics = new MetricsService('user-service');
    const outcome = await service({ monthsAhead: 3, retentionMonths: 12 }, metrics).maintain(new Date());

    expect(outcome.dropped).toEqual([month(-15).name, month(-14).name, month(-13).name]);
    expect(outcome.expiredDefaultRows).toBe(1);
    const counts = await rowsPerPartition();
    expect(counts[month(-12).name]).toBe(1);
    expect(Object.keys(counts)).not.toContain(month(-13).name);
    expect(await db.query(`SELECT 1 FROM security_audit_events WHERE id = $1`, [old[0]])).toEqual([]);
    // The tables are gone, not just detached.
    const leftovers = await db.query(`SELECT to_regclass($1) AS t`, [month(-15).name]);
    expect(leftovers).toEqual([{ t: null }]);
    expect(await gaugeValues(metrics, 'cloudphone_audit_partition_changes_total')).toEqual([
      { labels: { action: 'dropped' }, value: 3 },
    ]);
  });

  it('ends in the same state when two runs race, with writers going on, and loses no row', async () => {
    await insertAt(month(8).inside(2), 4);
    await insertAt(month(11).inside(15), 4);
    const before = (await allIds()).length;

    // Writers keep logging into the current month and into month +10, whose partition the runs create.
    let writing = true;
    const written: string[] = [];
    const writer = (async () => {
      while (writing) written.push(...(await insertAt(month(written.length % 2 === 0 ? 0 : 10).inside(7))));
    })();
    const [first, second] = await Promise.all([
      service({ monthsAhead: 12 }).maintain(new Date()),
      service({ monthsAhead: 12 }).maintain(new Date()),
    ]);
    writing = false;
    await writer;

    const created = [...first.created, ...second.created].sort();
    expect(created).toEqual([7, 8, 9, 10, 11, 12].map((offset) => month(offset).name).sort());
    // The row of month +9 from the second test moved too.
    expect(first.movedRows + second.movedRows).toBeGreaterThanOrEqual(9);
    const counts = await rowsPerPartition();
    expect(counts.security_audit_events_default).toBe(0);
    expect(counts[month(8).name]).toBe(4);
    expect(counts[month(11).name]).toBe(4);
    expect(written.length).toBeGreaterThan(0);
    expect((await allIds()).length).toBe(before + written.length);
  });
});
