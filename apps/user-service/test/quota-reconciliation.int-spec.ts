import { randomUUID } from 'node:crypto';
import { DEVICE_ROUTES, SERVICE_CATALOG, USER_ROUTES } from '@cloudphone/contracts';
import { MetricsService } from '@cloudphone/shared';
import { gaugeValues, InProcessService, manualCronRunContext } from '@cloudphone/shared/testing';
import { AppModule } from '../src/app.module';
import { UserServiceConfig } from '../src/config/user-service.config';
import { QuotaReconciliationJob } from '../src/modules/quotas/jobs/quota-reconciliation.job';

// quota-reconciliation against real Postgres and a scripted device-service speaking its real
// routes: each kind of drift is injected with SQL and the job repairs (or only counts) it, never
// touching records inside the grace period, live allocations or booked reservations, and changing
// nothing while device-service cannot answer.

const SPEC = { cpuCores: 2, memoryMb: 2048, storageGb: 16 };

describe('quota-reconciliation', () => {
  let app: InProcessService;

  beforeAll(async () => {
    app = await InProcessService.start({
      service: SERVICE_CATALOG.user.name,
      configClass: UserServiceConfig,
      rootModule: (config) => AppModule.forRoot(config),
      observe: 'user.#',
    });
  });

  afterAll(async () => {
    await app?.close();
  });

  const run = () => app.get(QuotaReconciliationJob).reconcile(manualCronRunContext());

  /** `count` active pro users (10 devices, 40 cores), straight into the table. */
  const newUsers = async (count = 1): Promise<string[]> =>
    (
      await app.db.query<{ id: string }>(
        `INSERT INTO users (email, display_name, password_hash, tier, status)
         SELECT 'recon-' || gen_random_uuid() || '@example.com', 'R', 'h', 'pro', 'active'
         FROM generate_series(1, $1) RETURNING id`,
        [count],
      )
    ).map((row) => row.id);

  const report = async (userId: string, allocationId = randomUUID()): Promise<string> => {
    await app
      .as(app.tokens.service())
      .post(USER_ROUTES.quotaUsage, { userId, allocationId, ...SPEC })
      .expect(200);
    return allocationId;
  };

  /** device-service has this allocation live (or, with another status, only known by id). */
  const live = (allocationId: string, userId: string, status = 'active') =>
    // The scripted server answers GET …/:id from this map for any route, so a status it does not
    // list as live stands for a booked reservation read at scheduler/reservations/:id.
    app.platform.allocations.set(allocationId, { userId, status: status as 'active' });

  const backdate = (allocationIds: string[]) =>
    app.db.query(
      `UPDATE quota_usage_records SET applied_at = now() - interval '1 hour' WHERE allocation_id = ANY($1)`,
      [allocationIds],
    );

  const usage = async (userId: string) =>
    (
      await app.db.query<Record<string, number>>(
        `SELECT used_devices::int AS devices, used_cpu_cores::int AS "cpuCores",
                used_memory_mb::int AS "memoryMb", used_storage_gb::int AS "storageGb"
         FROM user_quotas WHERE user_id = $1`,
        [userId],
      )
    )[0];

  const statuses = async (allocationIds: string[]) =>
    Object.fromEntries(
      (
        await app.db.query<{ id: string; status: string }>(
          `SELECT allocation_id AS id, status FROM quota_usage_records WHERE allocation_id = ANY($1)`,
          [allocationIds],
        )
      ).map((row) => [row.id, row.status]),
    );

  const drift = async (metric: 'detected' | 'repaired', kind: string) =>
    (await gaugeValues(app.get(MetricsService), `cloudphone_quota_drift_${metric}_total`)).find(
      (value) => value.labels.kind === kind,
    )?.value ?? 0;

  it('is a registered cron job', async () => {
    const listing = await app.admin.get('internal/cron').expect(200);
    expect((listing.body as { jobs: unknown[] }).jobs).toContainEqual(
      expect.objectContaining({ name: 'quota-reconciliation', expression: '*/10 * * * *' }),
    );
  });

  it('restores an orphaned record past the grace period once, and leaves live, young and reserved ones', async () => {
    const [userId] = await newUsers();
    const [kept, orphan, young, reserved] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    for (const id of [kept, orphan, young, reserved]) await report(userId, id);
    live(kept, userId);
    live(reserved, userId, 'confirmed');
    await backdate([kept, orphan, reserved]);
    const before = await drift('repaired', 'orphaned_record');
    app.platform.deviceService.requests.length = 0;

    await run();

    expect(await statuses([kept, orphan, young, reserved])).toEqual({
      [kept]: 'applied',
      [orphan]: 'restored',
      [young]: 'applied',
      [reserved]: 'applied',
    });
    expect(await usage(userId)).toEqual({ devices: 3, cpuCores: 6, memoryMb: 6144, storageGb: 48 });
    expect((await drift('repaired', 'orphaned_record')) - before).toBe(1);
    // Only the records not live were looked up as reservations.
    const lookedUp = app.platform.deviceService.requests
      .filter((request) => request.method === 'GET')
      .map((request) => request.url);
    expect(lookedUp.sort()).toEqual(
      [orphan, reserved].map((id) => `/${DEVICE_ROUTES.reservation.replace(':id', id)}`).sort(),
    );

    // device-service's own restore arriving late changes nothing, and a second run finds nothing.
    const late = await app
      .as(app.tokens.service())
      .post(USER_ROUTES.quotaRestore, { userId, allocationId: orphan })
      .expect(200);
    expect(late.body).toMatchObject({ applied: false, usage: { devices: 3 } });
    await run();
    expect((await drift('repaired', 'orphaned_record')) - before).toBe(1);
    expect(await usage(userId)).toMatchObject({ devices: 3 });
  });

  it('sets usage back to the sum of the applied records, unless that sum is over the limits', async () => {
    const [drifted, overLimit] = await newUsers(2);
    for (const userId of [drifted, overLimit]) {
      for (let index = 0; index < 2; index++) live(await report(userId), userId);
    }
    await app.db.query(
      `UPDATE user_quotas SET used_devices = 5, used_cpu_cores = 1, used_storage_gb = 0 WHERE user_id = $1`,
      [drifted],
    );
    // Usage 0 with two applied records, and a limit an admin could no longer set: not repairable.
    await app.db.query(`UPDATE user_quotas SET used_devices = 0, max_devices = 1 WHERE user_id = $1`, [
      overLimit,
    ]);
    const [detected, repaired] = [
      await drift('detected', 'usage_mismatch'),
      await drift('repaired', 'usage_mismatch'),
    ];

    await run();

    expect(await usage(drifted)).toEqual({ devices: 2, cpuCores: 4, memoryMb: 4096, storageGb: 32 });
    expect(await usage(overLimit)).toMatchObject({ devices: 0, cpuCores: 4 });
    expect((await drift('detected', 'usage_mismatch')) - detected).toBe(2);
    expect((await drift('repaired', 'usage_mismatch')) - repaired).toBe(1);
    await app.db.query(`UPDATE user_quotas SET max_devices = 10, used_devices = 2 WHERE user_id = $1`, [
      overLimit,
    ]);
  });

  it('counts live allocations without an applied record and changes nothing for them', async () => {
    const [userId] = await newUsers();
    live(await report(userId), userId);
    const unreported = randomUUID();
    live(unreported, userId);
    const before = await drift('detected', 'unrecorded_allocation');

    await run();

    expect((await drift('detected', 'unrecorded_allocation')) - before).toBe(1);
    expect(await usage(userId)).toMatchObject({ devices: 1 });
    expect(await statuses([unreported])).toEqual({});
    app.platform.allocations.delete(unreported);
  });

  it('asks device-service about 100 users at a time, covering every user with a quota', async () => {
    await app.db.query(
      `WITH created AS (
         INSERT INTO users (email, display_name, password_hash, tier, status)
         SELECT 'bulk-' || gen_random_uuid() || '@example.com', 'B', 'h', 'free', 'active'
         FROM generate_series(1, 150) RETURNING id
       )
       INSERT INTO user_quotas (user_id, max_devices, max_cpu_cores, max_memory_mb, max_storage_gb)
       SELECT id, 1, 4, 8192, 64 FROM created`,
    );
    app.platform.deviceService.requests.length = 0;

    await run();

    const asked = app.platform.deviceService.requests
      .filter((request) => request.url === `/${DEVICE_ROUTES.queryBatch}`)
      .map((request) => (JSON.parse(request.body) as { userIds: string[] }).userIds);
    expect(asked.every((userIds) => userIds.length <= 100)).toBe(true);
    const [{ count }] = await app.db.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM user_quotas`,
    );
    expect(asked.length).toBe(Math.ceil(count / 100));
    expect(new Set(asked.flat()).size).toBe(count);
  });

  it('changes nothing while device-service is unreachable', async () => {
    const [userId] = await newUsers();
    const orphan = await report(userId);
    live(await report(userId), userId);
    await backdate([orphan]);
    await app.db.query(`UPDATE user_quotas SET used_cpu_cores = 7 WHERE user_id = $1`, [userId]);
    const snapshot = () =>
      app.db.query(
        `SELECT q.*, (SELECT json_agg(r ORDER BY r.allocation_id) FROM quota_usage_records r) AS records
         FROM user_quotas q ORDER BY q.user_id`,
      );
    const before = await snapshot();

    await app.platform.whileDeviceServiceDown(async () => {
      await expect(run()).rejects.toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE' });
    });

    expect(await snapshot()).toEqual(before);
  });
});
