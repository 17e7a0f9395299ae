import { Injectable, Logger } from '@nestjs/common';
import { mapInParallel, MetricsService } from '@cloudphone/shared';
import type { Counter } from 'prom-client';
import { DeviceServiceConfig } from '../../../config/device-service.config';
import type { ProviderDeviceState } from '../../../integrations/device-provider/device-provider';
import { DeviceEventsPublisher } from '../device-events.publisher';
import { DeviceDrivers, type ProviderPlace } from '../providers/device-drivers.service';
import { type PoolDevice, ProviderReconciliationRepository } from './provider-reconciliation.repository';

/** Provider calls the reconciler makes at once (confirmations, destroys). */
const IN_FLIGHT = 8;
/** Pool statuses whose device must exist and work at the provider. */
const IN_SERVICE = new Set(['available', 'allocated', 'maintenance']);

export type DriftKind = 'missing' | 'error_state' | 'stopped_unexpectedly' | 'orphan' | 'orphan_destroyed';
export type ReconcileOutcome = Record<DriftKind, number>;

/**
 * reconcile-provider-state (§6 "cloud device sync", "state recovery"): compares the pool with what
 * the provider holds and repairs or flags each difference, counted in
 * `cloudphone_provider_drift_total{kind}`:
 *   - missing: a device in service the provider no longer has → `failed` (`device.failed`, so its
 *     allocation moves). A device absent from the listing is asked for directly before it counts,
 *     since a listing may lag or page.
 *   - error_state: the provider says `error` → `failed`.
 *   - stopped_unexpectedly: stopped while the platform powered it on → flagged (the health check
 *     fails it if it stays so).
 *   - orphan: the provider holds a device the pool does not (or holds only as retired) → destroyed
 *     once seen for longer than a creation may take, so a device being created now is never touched.
 * Each place devices live (the deployment's provider, each Docker host nodes name) is listed once
 * and compared with all the devices that live there; one place failing does not stop the others.
 */
@Injectable()
export class ProviderReconciliationUseCase {
  private readonly logger = new Logger(ProviderReconciliationUseCase.name);
  private readonly drift: Counter<'kind'>;

  constructor(
    private readonly repository: ProviderReconciliationRepository,
    private readonly publisher: DeviceEventsPublisher,
    private readonly config: DeviceServiceConfig,
    private readonly drivers: DeviceDrivers,
    metrics: MetricsService,
  ) {
    this.drift = metrics.counter({
      name: 'cloudphone_provider_drift_total',
      help: 'Differences between the pool and its provider found by reconcile-provider-state, by kind',
      labelNames: ['kind'],
    });
  }

  async reconcile(): Promise<ReconcileOutcome> {
    const outcome: ReconcileOutcome = {
      missing: 0,
      error_state: 0,
      stopped_unexpectedly: 0,
      orphan: 0,
      orphan_destroyed: 0,
    };
    let firstError: unknown = null;
    for (const place of await this.drivers.places()) {
      try {
        await this.reconcilePlace(place, outcome);
      } catch (error) {
        this.logger.warn({
          msg: 'could not reconcile a provider; next run retries',
          place: place.identity,
          err: error,
        });
        firstError ??= error;
      }
    }
    // The run counts as failed (and alerts) when a place could not be compared.
    if (firstError !== null) throw firstError;
    return outcome;
  }

  private async reconcilePlace(place: ProviderPlace, outcome: ReconcileOutcome): Promise<void> {
    const listed = new Map(
      (await place.driver.listDevices()).map((device) => [device.providerDeviceId, device.state]),
    );
    const pool = await this.repository.devicesAt(place.driver.name, place.nodeIds, place.includesDeployment);
    const failures: Array<{ id: string; reason: string }> = [];
    await mapInParallel(
      pool.filter((device) => IN_SERVICE.has(device.status)),
      IN_FLIGHT,
      async (device) => {
        const state =
          listed.get(device.providerDeviceId) ??
          (await place.driver.getDeviceState(device.providerDeviceId).catch(() => null));
        const kind = driftOf(state, device);
        if (kind === null) return;
        this.count(outcome, kind);
        if (kind === 'stopped_unexpectedly') return;
        failures.push({ id: device.id, reason: `reconciliation: the provider reports it ${state}` });
      },
    );
    if (failures.length > 0) {
      await this.publisher.failing('reconciliation failed devices the provider lost', () =>
        this.repository.fail(failures),
      );
    }
    await this.destroyOrphans(place, listed, pool, outcome);
  }

  private async destroyOrphans(
    place: ProviderPlace,
    listed: Map<string, ProviderDeviceState>,
    pool: PoolDevice[],
    outcome: ReconcileOutcome,
  ): Promise<void> {
    const kept = new Set(
      pool.filter((device) => device.status !== 'retired').map((device) => device.providerDeviceId),
    );
    const orphans = [...listed.keys()].filter((id) => !kept.has(id));
    outcome.orphan += orphans.length;
    if (orphans.length > 0) this.drift.inc({ kind: 'orphan' }, orphans.length);
    // Creation may take DEVICE_PROVIDER_READY_TIMEOUT_MS before the device is recorded: twice that is
    // past any creation still in progress.
    const grace = this.config.deviceProviderReadyTimeoutMs * 2;
    const due = await this.repository.noteOrphans(place.identity, orphans, grace);
    await mapInParallel(due, IN_FLIGHT, async (providerDeviceId) => {
      try {
        await place.driver.destroyDevice(providerDeviceId);
        await this.repository.forgetOrphan(place.identity, providerDeviceId);
        this.count(outcome, 'orphan_destroyed');
        this.logger.warn({
          msg: 'destroyed a device the pool does not know',
          place: place.identity,
          providerDeviceId,
        });
      } catch (error) {
        this.logger.warn({
          msg: 'could not destroy an orphaned device; retried next run',
          providerDeviceId,
          err: error,
        });
      }
    });
  }

  private count(outcome: ReconcileOutcome, kind: DriftKind): void {
    outcome[kind] += 1;
    this.drift.inc({ kind });
  }
}

/** What is wrong with a pool device given its provider state (null: unreadable, so nothing to say). */
export function driftOf(state: ProviderDeviceState | null, device: PoolDevice): DriftKind | null {
  if (state === 'destroyed') return 'missing';
  if (state === 'error') return 'error_state';
  if (state === 'stopped' && device.powerState === 'on' && device.status !== 'maintenance') {
    return 'stopped_unexpectedly';
  }
  return null;
}
