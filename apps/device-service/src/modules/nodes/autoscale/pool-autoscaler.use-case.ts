import { Injectable, Logger } from '@nestjs/common';
import { AppError, MetricsService, type Principal } from '@cloudphone/shared';
import type { Counter } from 'prom-client';
import { DeviceServiceConfig } from '../../../config/device-service.config';
import type { PoolTarget } from '../../../config/pool-autoscale.setting';
import { DevicesService } from '../../devices';
import { PoolAutoscaleRepository } from './pool-autoscale.repository';

/** Devices one run creates or retires per pool: a big gap closes over a few runs, not in one burst. */
const STEP = 10;
const AUTOSCALER: Principal = { kind: 'service', service: 'autoscale-pool' };

export interface AutoscaleOutcome {
  provisioned: number;
  retired: number;
  /** Devices a pool lacked and could not get: no node of its region had room, or the provider failed. */
  short: number;
}

/**
 * autoscale-pool (§6 "pool autoscaling"): keeps each POOL_AUTOSCALE pool between `minFree` and
 * `maxFree` free devices. It provisions through the same path as an admin's `POST /devices` (on the
 * region's schedulable node with the most room, within `maxDevices`; no node when the region has
 * none), and retires idle devices with no booking, newest first. Devices being created or wiped
 * count as coming free, so a run does not order what the last one already did.
 */
@Injectable()
export class PoolAutoscalerUseCase {
  private readonly logger = new Logger(PoolAutoscalerUseCase.name);
  private readonly actions: Counter<'action'>;

  constructor(
    private readonly repository: PoolAutoscaleRepository,
    private readonly devices: DevicesService,
    private readonly config: DeviceServiceConfig,
    metrics: MetricsService,
  ) {
    this.actions = metrics.counter({
      name: 'cloudphone_autoscale_actions_total',
      help: 'autoscale-pool actions: provisioned, retired, short (a device the pool lacked and could not get)',
      labelNames: ['action'],
    });
  }

  async scale(signal: AbortSignal): Promise<AutoscaleOutcome> {
    const outcome: AutoscaleOutcome = { provisioned: 0, retired: 0, short: 0 };
    for (const pool of this.config.poolAutoscale) {
      signal.throwIfAborted();
      const free = await this.repository.freeDevices(pool);
      if (free < pool.minFree) await this.grow(pool, Math.min(pool.minFree - free, STEP), outcome);
      else if (free > pool.maxFree) await this.shrink(pool, Math.min(free - pool.maxFree, STEP), outcome);
    }
    return outcome;
  }

  private async grow(pool: PoolTarget, count: number, outcome: AutoscaleOutcome): Promise<void> {
    for (let made = 0; made < count; made++) {
      const place = await this.repository.placeFor(pool.region);
      if (place === 'none') {
        this.count(outcome, 'short', count - made);
        this.logger.warn({
          msg: 'autoscale: no node of the region has room',
          region: pool.region,
          short: count - made,
        });
        return;
      }
      try {
        const { minFree: _min, maxFree: _max, ...spec } = pool;
        await this.devices.create(
          { ...spec, ...(place !== 'no-node' && { nodeId: place.nodeId }) },
          AUTOSCALER,
        );
        this.count(outcome, 'provisioned', 1);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        this.count(outcome, 'short', count - made);
        this.logger.warn({
          msg: 'autoscale: provisioning failed; next run retries',
          region: pool.region,
          code: error.code,
        });
        return;
      }
    }
  }

  private async shrink(pool: PoolTarget, count: number, outcome: AutoscaleOutcome): Promise<void> {
    for (const { id } of await this.repository.idleDevices(pool, count)) {
      try {
        await this.devices.retire(id, AUTOSCALER);
        this.count(outcome, 'retired', 1);
      } catch (error) {
        // Claimed or booked meanwhile, or the provider failed: it stays, and the next run looks again.
        if (!(error instanceof AppError)) throw error;
      }
    }
  }

  private count(outcome: AutoscaleOutcome, action: keyof AutoscaleOutcome, by: number): void {
    outcome[action] += by;
    this.actions.inc({ action }, by);
  }
}
