import { randomUUID } from 'node:crypto';
import type {
  AllocationExpiredEventData,
  AllocationExpiringEventData,
  AllocationResponse,
  EventEnvelope,
} from '@cloudphone/contracts';
import { manualCronRunContext, waitFor } from '@cloudphone/shared/testing';
import { AllocationHistoryCleanupJob } from '../src/modules/allocations/jobs/allocation-history-cleanup.job';
import { AllocationStatsSnapshotJob } from '../src/modules/allocations/jobs/allocation-stats-snapshot.job';
import { ExpireAllocationsJob } from '../src/modules/allocations/jobs/expire-allocations.job';
import { RecoverStaleClaimsJob } from '../src/modules/allocations/jobs/recover-stale-claims.job';
import { WarnExpiringAllocationsJob } from '../src/modules/allocations/jobs/warn-expiring-allocations.job';
import { SchedulerTestApp } from './scheduler-test-app';

// The scheduler's jobs and event handlers, run against real servers with the test's clock.
describe('allocation jobs and events', () => {
  let app: SchedulerTestApp;

  beforeAll(async () => {
    app = await SchedulerTestApp.start({ ALLOCATION_CLAIM_TIMEOUT_MS: '1000' });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  }, 60_000);

  async function allocate(
    token: string,
    region: string,
    durationMinutes: number,
  ): Promise<AllocationResponse> {
    const answer = await app.request<AllocationResponse>('POST', 'scheduler/devices/allocate', {
      token,
      body: { durationMinutes, requirements: { region } },
    });
    if (answer.status !== 201)
      throw new Error(`allocate answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  function eventsOf<T>(type: string, allocationId: string): T[] {
    return app.fleet.observer.received
      .filter(
        ({ envelope }) =>
          envelope.type === type &&
          (envelope.data as { allocationId?: string }).allocationId === allocationId,
      )
      .map(({ envelope }) => (envelope as EventEnvelope<T>).data);
  }

  it('expires an allocation billed to its scheduled end, however late the job runs', async () => {
    await app.addDevices(1, { region: 'exp-1' });
    const user = await app.createUser();
    const allocation = await allocate(user.token, 'exp-1', 10);
    app.clock.advance(10 * 60_000 - 1000);
    await app.get(ExpireAllocationsJob).expire(manualCronRunContext());
    expect(
      (await app.query(`SELECT status FROM device_allocations WHERE id = $1`, [allocation.id]))[0],
    ).toEqual({
      status: 'active',
    });

    app.clock.advance(38_000);
    await app.get(ExpireAllocationsJob).expire(manualCronRunContext());
    await app.get(ExpireAllocationsJob).expire(manualCronRunContext());

    const [row] = await app.query<{
      status: string;
      ended_at: Date;
      expires_at: Date;
      billed_seconds: number;
    }>(`SELECT status, ended_at, expires_at, billed_seconds FROM device_allocations WHERE id = $1`, [
      allocation.id,
    ]);
    expect(row).toMatchObject({ status: 'expired', billed_seconds: 600 });
    expect(row.ended_at.getTime()).toBe(row.expires_at.getTime());
    await waitFor(async () => (await app.billingRecords(user.id)).length === 1, {
      description: 'usage billed',
    });
    expect(await app.billingRecords(user.id)).toEqual([
      expect.objectContaining({ allocation_id: allocation.id, billed_seconds: 600 }),
    ]);
    expect(await app.quotaUsage(user.id)).toMatchObject({ devices: 0 });
    const expired = await waitFor(
      () => eventsOf<AllocationExpiredEventData>('allocation.expired', allocation.id)[0],
      { description: 'allocation.expired' },
    );
    expect(expired).toMatchObject({ billedSeconds: 600, expiredAt: row.expires_at.toISOString() });
    expect(eventsOf('allocation.expired', allocation.id)).toHaveLength(1);
    await app.wipeReleasedDevices();
    const available = await app.request<{ total: number }>(
      'GET',
      'scheduler/devices/available?region=exp-1',
      {
        token: user.token,
      },
    );
    expect(available.body.total).toBe(1);
  });

  it('warns once per allocation and end time, minutes before expiry', async () => {
    await app.addDevices(2, { region: 'warn-1' });
    const user = await app.createUser();
    const soon = await allocate(user.token, 'warn-1', 6);
    const later = await allocate(user.token, 'warn-1', 60);
    app.clock.advance(2 * 60_000);

    await app.get(WarnExpiringAllocationsJob).warn(manualCronRunContext());
    await app.get(WarnExpiringAllocationsJob).warn(manualCronRunContext());

    const warning = await waitFor(
      () => eventsOf<AllocationExpiringEventData>('allocation.expiring', soon.id)[0],
      { description: 'allocation.expiring' },
    );
    expect(warning).toMatchObject({ expiresAt: soon.expiresAt, minutesLeft: 4, userId: user.id });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(eventsOf('allocation.expiring', soon.id)).toHaveLength(1);
    expect(eventsOf('allocation.expiring', later.id)).toHaveLength(0);
  });

  it('fails a claim whose request died, frees its device and gives its quota back', async () => {
    const [deviceId] = await app.addDevices(1, { region: 'stale-1' });
    const user = await app.createUser();
    // What a request killed between its claim and its confirmation leaves behind, quota counted.
    const claimId = randomUUID();
    await app.query(
      `WITH claimed AS (UPDATE devices SET claim_sequence = claim_sequence + 1, held_by = $1, status = 'allocated'
                        WHERE id = $2
                        RETURNING claim_sequence)
       INSERT INTO device_allocations (id, device_id, user_id, tenant_id, status, fencing_token, region,
         android_version, cpu_cores, memory_mb, storage_gb, duration_minutes, started_at, expires_at, claimed_at)
       SELECT $1, $2, $3, 'default', 'pending', claim_sequence, 'stale-1', '13', 4, 8192, 64, 5, now(),
              now() + interval '5 minutes', now() - interval '10 seconds' FROM claimed`,
      [claimId, deviceId, user.id],
    );
    await app.request(
      'POST',
      'quotas/usage',
      {
        token: app.tokens.service(),
        body: { userId: user.id, allocationId: claimId, cpuCores: 4, memoryMb: 8192, storageGb: 64 },
      },
      'user',
    );
    expect(await app.quotaUsage(user.id)).toMatchObject({ devices: 1 });

    await app.get(RecoverStaleClaimsJob).recover(manualCronRunContext());

    const [row] = await app.query(`SELECT status, failure_code FROM device_allocations WHERE id = $1`, [
      claimId,
    ]);
    expect(row).toEqual({ status: 'failed', failure_code: 'CLAIM_ABANDONED' });
    expect(await app.quotaUsage(user.id)).toMatchObject({ devices: 0 });
    const again = await allocate(user.token, 'stale-1', 5);
    expect(again.deviceId).toBe(deviceId);
  });

  it('releases every device of a user whose account went overdue (billing.overdue)', async () => {
    await app.addDevices(2, { region: 'overdue-1' });
    const user = await app.createUser();
    const first = await allocate(user.token, 'overdue-1', 30);
    const second = await allocate(user.token, 'overdue-1', 30);
    app.clock.advance(90_000);

    const envelope: EventEnvelope = {
      id: randomUUID(),
      type: 'billing.overdue',
      version: 1,
      occurredAt: new Date().toISOString(),
      source: 'billing-service',
      data: { userId: user.id, tenantId: 'default', balanceMinor: '-5', currency: 'USD' },
    };
    await app.fleet.observer.publishRaw('billing.overdue', Buffer.from(JSON.stringify(envelope)));

    await waitFor(
      async () =>
        (
          await app.query(
            `SELECT 1 FROM device_allocations WHERE user_id = $1 AND end_reason = 'account_overdue'`,
            [user.id],
          )
        ).length === 2,
      { description: 'both allocations released for the overdue account' },
    );
    const rows = await app.query<{ id: string; billed_seconds: number }>(
      `SELECT id, billed_seconds FROM device_allocations WHERE user_id = $1 ORDER BY id`,
      [user.id],
    );
    expect(rows).toEqual([first.id, second.id].sort().map((id) => ({ id, billed_seconds: 90 })));
    await waitFor(async () => (await app.billingRecords(user.id)).length === 2, {
      description: 'both billed',
    });
    expect(await app.quotaUsage(user.id)).toMatchObject({ devices: 0 });
    await waitFor(
      async () =>
        (
          await app.query(
            `SELECT 1 FROM device_allocations WHERE user_id = $1 AND charged_amount_minor IS NOT NULL`,
            [user.id],
          )
        ).length === 2,
      { description: "charges recorded from billing's answers" },
    );
  });

  it('stores one statistics snapshot per hour and archives old ended allocations', async () => {
    const tick = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000);
    const context = { ...manualCronRunContext(), scheduledAt: tick };
    await app.get(AllocationStatsSnapshotJob).snapshot(context);
    await app.get(AllocationStatsSnapshotJob).snapshot(context);
    // The hour ending at `tick` (the boot's catch-up run may have stored the hour before it too).
    const snapshots = await app.query<{ active: number }>(
      `SELECT active FROM allocation_stats_snapshots WHERE hour = $1`,
      [new Date(tick.getTime() - 3_600_000).toISOString()],
    );
    expect(snapshots).toHaveLength(1);

    await app.query(
      `UPDATE device_allocations SET ended_at = ended_at - interval '40 days' WHERE ended_at IS NOT NULL`,
    );
    const ended = await app.query<{ count: string }>(
      `SELECT count(*) FROM device_allocations WHERE ended_at IS NOT NULL`,
    );
    await app.get(AllocationHistoryCleanupJob).cleanUp(manualCronRunContext());
    const archived = await app.query<{ count: string }>(`SELECT count(*) FROM device_allocations_history`);
    expect(archived[0].count).toBe(ended[0].count);
    expect(Number(archived[0].count)).toBeGreaterThan(0);
    expect(await app.query(`SELECT 1 FROM device_allocations WHERE ended_at IS NOT NULL`)).toEqual([]);
  });
});
