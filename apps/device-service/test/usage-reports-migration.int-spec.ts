import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MigrationRunner, outboxMessageId } from '@cloudphone/shared';
import { createTestDatabase, repositoryRoot, type TestDatabase } from '@cloudphone/shared/testing';

// Migration 0004 moves usage_reports into the outbox and forwards what old replicas still write there.
// A database as the previous release left it
// (shared 0001, device 0001 and 0003, reports in every state) is upgraded with the real files.
describe('device-service migration 0004: usage reports into the outbox (real Postgres)', () => {
  let database: TestDatabase;
  let previousRelease: string;
  const migrations = (directory: string) => join(repositoryRoot(), 'migrations', directory);

  beforeAll(async () => {
    database = await createTestDatabase('device-service', { migrate: false });
    previousRelease = mkdtempSync(join(tmpdir(), 'previous-release-'));
  });

  afterAll(async () => {
    rmSync(previousRelease, { recursive: true, force: true });
    await database?.drop();
  });

  /** A directory holding only `files` of migrations/<directory>. */
  const subset = (directory: string, files: string[]) => {
    const copy = join(previousRelease, directory);
    mkdirSync(copy);
    for (const file of files) copyFileSync(join(migrations(directory), file), join(copy, file));
    return copy;
  };

  it('moves every report into the outbox, with its state and its id as the code derives it', async () => {
    await new MigrationRunner({
      databaseUrl: database.url,
      directory: subset('device-service', ['0001_create_devices.sql', '0003_create_device_allocations.sql']),
      sharedDirectory: subset('shared', ['0001_create_outbox_and_inbox.sql']),
    }).run();

    const pending = '6f1c2a4e-0000-4000-8000-000000000001';
    const delivered = '6f1c2a4e-0000-4000-8000-000000000002';
    const rejected = '6f1c2a4e-0000-4000-8000-000000000003';
    await database.query(
      `INSERT INTO usage_reports (allocation_id, kind, payload, attempts, next_attempt_at, last_error, outcome, settled_at)
       VALUES ($1, 'billing_usage', '{"allocationId":"a","billedSeconds":61}', 3, now() + interval '1 minute', 'ECONNREFUSED', NULL, NULL),
              ($1, 'quota_restore', '{"userId":"u"}', 1, now(), NULL, 'delivered', now()),
              ($2, 'quota_usage', '{"userId":"u"}', 1, now(), NULL, 'delivered', now()),
              ($3, 'billing_usage', '{}', 1, now(), 'USAGE_CONFLICT', 'rejected', now())`,
      [pending, delivered, rejected],
    );
    await database.query(
      `INSERT INTO outbox (event_id, event_type, aggregate_key, data) VALUES (gen_random_uuid(), 'device.allocated', 'device:x', '{}')`,
    );

    const result = await new MigrationRunner({
      databaseUrl: database.url,
      directory: migrations('device-service'),
      sharedDirectory: migrations('shared'),
    }).run();
    // The migrations after 0003, in order (later ones follow them).
    expect(result.applied.slice(0, 3)).toEqual([
      '0002_add_outbox_destinations.sql',
      '0004_move_usage_reports_to_outbox.sql',
      '0005_index_live_allocations_per_device.sql',
    ]);

    const rows = await database.query<Record<string, unknown>>(
      `SELECT event_id, destination, event_type, aggregate_key, data, attempts, last_error,
              sent_at IS NOT NULL AS sent, rejected_at IS NOT NULL AS rejected, next_attempt_at > now() AS later
       FROM outbox ORDER BY id`,
    );
    expect(rows).toEqual([
      expect.objectContaining({ destination: 'events', event_type: 'device.allocated', sent: false }),
      {
        event_id: outboxMessageId(pending, 'billing_usage'),
        destination: 'billing-service',
        event_type: 'report.billing_usage',
        aggregate_key: pending,
        data: { allocationId: 'a', billedSeconds: 61 },
        attempts: 3,
        last_error: 'ECONNREFUSED',
        sent: false,
        rejected: false,
        later: true,
      },
      expect.objectContaining({
        event_id: outboxMessageId(pending, 'quota_restore'),
        destination: 'user-service',
        sent: true,
        rejected: false,
      }),
      expect.objectContaining({
        event_id: outboxMessageId(delivered, 'quota_usage'),
        destination: 'user-service',
        event_type: 'report.quota_usage',
        sent: true,
      }),
      expect.objectContaining({
        event_id: outboxMessageId(rejected, 'billing_usage'),
        last_error: 'USAGE_CONFLICT',
        sent: false,
        rejected: true,
      }),
    ]);
    expect(await database.query(`SELECT 1 FROM usage_reports`)).toEqual([]);
  });

  it('forwards what a replica of the previous release still writes to usage_reports into the outbox', async () => {
    const allocationId = '6f1c2a4e-0000-4000-8000-000000000004';
    // The previous release's insert, as its UsageReportsRepository wrote it, twice.
    const insert = () =>
      database.query(
        `INSERT INTO usage_reports (allocation_id, kind, payload, next_attempt_at)
         SELECT report.*, now() + interval '60 seconds'
         FROM unnest($1::uuid[], $2::text[], $3::jsonb[]) AS report
         ON CONFLICT (allocation_id, kind) DO NOTHING
         RETURNING id, allocation_id, kind, payload, attempts`,
        [
          [allocationId, allocationId],
          ['quota_restore', 'billing_usage'],
          ['{"userId":"u"}', '{"billedSeconds":5}'],
        ],
      );
    expect(await insert()).toHaveLength(2);
    expect(await insert()).toHaveLength(0);
    const forwarded = await database.query<Record<string, unknown>>(
      `SELECT event_id, destination, event_type, data, sent_at IS NULL AS pending
       FROM outbox WHERE aggregate_key = $1 ORDER BY destination`,
      [allocationId],
    );
    expect(forwarded).toEqual([
      {
        event_id: outboxMessageId(allocationId, 'billing_usage'),
        destination: 'billing-service',
        event_type: 'report.billing_usage',
        data: { billedSeconds: 5 },
        pending: true,
      },
      {
        event_id: outboxMessageId(allocationId, 'quota_restore'),
        destination: 'user-service',
        event_type: 'report.quota_restore',
        data: { userId: 'u' },
        pending: true,
      },
    ]);
  });
});
