import { randomUUID } from 'node:crypto';
import { BILLING_ROUTES } from '@cloudphone/contracts';
import { RunningAllocationsService } from '../src/modules/usage/running-allocations.service';
import { BillingTestApp, usageReport } from './billing-test-app';
import { DeviceServiceStandIn } from './device-service-stand-in';

export const HOUR = 3600;
export const MINUTE = 60;
/** 12.64 cents per hour at the seeded plan. */
export const SPEC = { cpuCores: 4, memoryMb: 8192, storageGb: 64 };

/** The price of SPEC for `seconds`: the documented rule restated (exact fraction, rounded up once). */
export function price(seconds: number): bigint {
  const microsPerHourTimes1024 =
    2_000_000n * 1024n + 1_500_000n * 4n * 1024n + 500_000n * 8192n + 10_000n * 64n * 1024n;
  const denominator = 3600n * 1024n * 1_000_000n;
  return (microsPerHourTimes1024 * BigInt(seconds) + denominator - 1n) / denominator;
}

export interface Allocation {
  allocationId: string;
  userId: string;
  deviceId: string;
  startedAt: Date;
}

/** [kind, signed amount] of a ledger entry. */
export type Charge = [string, bigint];

/** What the ledger entries `charges` took in all (charges negative, refunds positive). */
export const totalCharged = (charges: Charge[]) => charges.reduce((sum, [, amount]) => sum - amount, 0n);

/**
 * Drives billing-service as device-service would for running allocations: its list of active
 * allocations (a stand-in HTTP server the meter job asks) and its usage reports over HTTP; and
 * reads what billing made of them.
 */
export class RunningAllocationsDriver {
  private constructor(
    readonly app: BillingTestApp,
    readonly deviceService: DeviceServiceStandIn,
  ) {}

  /**
   * billing-service pointed at a device-service stand-in, its jobs off as in every BillingTestApp:
   * the tests run the hourly meter job's work themselves, with the instant it runs at.
   */
  static async start(): Promise<RunningAllocationsDriver> {
    const deviceService = await DeviceServiceStandIn.start();
    try {
      const app = await BillingTestApp.start({
        DEVICE_SERVICE_URL: deviceService.url,
      });
      return new RunningAllocationsDriver(app, deviceService);
    } catch (error) {
      await deviceService.close();
      throw error;
    }
  }

  /** The service the meter job runs (its runs are called with the instant they run at). */
  get running(): RunningAllocationsService {
    return this.app.service.app.get(RunningAllocationsService);
  }

  async close(): Promise<void> {
    await this.app.close();
    await this.deviceService.close();
  }

  /** The instant `seconds` after the allocation's start. */
  at(allocation: Allocation, seconds: number): Date {
    return new Date(allocation.startedAt.getTime() + seconds * 1000);
  }

  /** An allocation of `userId` that started `hoursAgo` ago for `hours`, active at device-service. */
  allocate(userId: string, hoursAgo = 3, hours = 4): Allocation {
    const allocation = {
      allocationId: randomUUID(),
      userId,
      deviceId: randomUUID(),
      startedAt: new Date(Date.now() - hoursAgo * HOUR * 1000),
    };
    this.activate(allocation, hours);
    return allocation;
  }

  /** device-service lists the allocation as active, expiring `hours` after its start. */
  activate(allocation: Allocation, hours: number): void {
    this.deviceService.activate({
      id: allocation.allocationId,
      userId: allocation.userId,
      deviceId: allocation.deviceId,
      tenantId: 'default',
      ...SPEC,
      startedAt: allocation.startedAt.toISOString(),
      expiresAt: this.at(allocation, hours * HOUR).toISOString(),
    });
  }

  /** The allocation ended at device-service (no longer listed as active); its report may follow. */
  end(allocation: Allocation): void {
    this.deviceService.release(allocation.allocationId);
  }

  /** The allocation ends, and device-service sends its usage report, `billedSeconds` after its start. */
  release(allocation: Allocation, billedSeconds: number) {
    this.end(allocation);
    return this.app.postAsService(
      BILLING_ROUTES.usage,
      usageReport({
        ...allocation,
        ...SPEC,
        startedAt: allocation.startedAt.toISOString(),
        endedAt: this.at(allocation, billedSeconds).toISOString(),
        billedSeconds,
      }),
    );
  }

  /** The allocation's slices and refund, in order: [kind, from, to, amount]. */
  async slicesOf(allocation: Allocation): Promise<Array<[string, number, number, string]>> {
    const rows = await this.app.db.query<{ kind: string; from: number; to: number; amount: string }>(
      `SELECT kind, seconds_from AS from, seconds_to AS to, amount_minor AS amount FROM usage_slices
       WHERE allocation_id = $1 ORDER BY created_at, seconds_from`,
      [allocation.allocationId],
    );
    return rows.map((row) => [row.kind, row.from, row.to, row.amount]);
  }

  /** The user's ledger entries but top-ups, oldest first. */
  async chargesOf(userId: string): Promise<Charge[]> {
    const rows = await this.app.db.query<{ kind: string; amount: string }>(
      `SELECT l.kind, l.amount_minor AS amount FROM ledger_entries l JOIN accounts a ON a.id = l.account_id
       WHERE a.user_id = $1 AND l.kind <> 'top_up' ORDER BY l.id`,
      [userId],
    );
    return rows.map((row) => [row.kind, BigInt(row.amount)]);
  }

  /** The ledger invariant: the balance is the sum of the entries, and the last entry's balance. */
  async expectLedgerConsistent(userId: string): Promise<void> {
    const ledger = await this.app.ledgerOf(userId);
    expect(ledger.sum).toBe(await this.app.balanceOf(userId));
    expect(ledger.lastBalanceAfter).toBe(ledger.sum);
  }

  async accountIdOf(userId: string): Promise<string> {
    const [row] = await this.app.db.query<{ id: string }>('SELECT id FROM accounts WHERE user_id = $1', [
      userId,
    ]);
    return row.id;
  }
}
