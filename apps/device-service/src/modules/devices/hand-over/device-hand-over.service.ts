import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { afterCommit, CacheService, mapInParallel, MetricsService } from '@cloudphone/shared';
import type { Counter, Histogram } from 'prom-client';
import { DeviceServiceConfig } from '../../../config/device-service.config';
import { AVAILABLE_DEVICES_CACHE_TAG } from '../device-pool.cache';
import { DeviceFreedSignal } from '../device-freed.signal';
import { DeviceProvisioner } from '../device-provisioner.service';
import { DeviceResetsRepository, type ResetTask } from './device-resets.repository';

/** A reset taken over this many times (its runners died) is failed rather than tried again. */
const MAX_ATTEMPTS = 3;
/** Releases in a burst share one pass. */
const KICK_DEBOUNCE_MS = 10;

interface WipeAttempt {
  task: ResetTask;
  /** performance.now() when the attempt began. */
  started: number;
  failure: string | null;
}

export interface HandOverOutcome {
  wiped: number;
  failed: number;
}

/**
 * The clean hand-over: a device whose allocation ended is `resetting`, the provider wipes it, and
 * only a confirmed wipe makes it `available` (a failed one makes it `failed`). Passes run right
 * after a release on the releasing replica (`kick`) and every few seconds on one replica
 * (`reset-devices`), which also picks up resets whose runner died.
 */
@Injectable()
export class DeviceHandOver implements OnModuleDestroy {
  private readonly logger = new Logger(DeviceHandOver.name);
  private readonly resets: Counter<'outcome'>;
  private readonly duration: Histogram;
  private running: Promise<HandOverOutcome> | null = null;
  private again = false;
  private kickTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly repository: DeviceResetsRepository,
    private readonly provisioner: DeviceProvisioner,
    private readonly freed: DeviceFreedSignal,
    private readonly cache: CacheService,
    private readonly config: DeviceServiceConfig,
    metrics: MetricsService,
  ) {
    this.resets = metrics.counter({
      name: 'cloudphone_device_resets_total',
      help: 'Device hand-overs between renters, by outcome (wiped, failed; retired: its node drains)',
      labelNames: ['outcome'],
    });
    this.duration = metrics.histogram({
      name: 'cloudphone_device_reset_seconds',
      help: 'Time from taking a device to wipe until the provider confirmed it runs again',
      buckets: [0.05, 0.25, 1, 5, 15, 60, 180],
    });
  }

  /** A device may be waiting for a wipe: run a pass soon (after the caller's commit). */
  kick(): Promise<void> {
    return afterCommit(() => {
      if (this.kickTimer || this.stopped) return;
      this.kickTimer = setTimeout(() => {
        this.kickTimer = null;
        // A warning: the reset-devices job runs the pass again, and reports a failure that persists.
        this.runPass().catch((error: unknown) =>
          this.logger.warn({ msg: 'hand-over pass failed; reset-devices retries', err: error }),
        );
      }, KICK_DEBOUNCE_MS);
      this.kickTimer.unref();
    });
  }

  /** Wipes what is due until nothing is; a pass asked for while one runs follows it. */
  async runPass(): Promise<HandOverOutcome> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.drain();
    try {
      return await this.running;
    } finally {
      this.running = null;
    }
  }

  onModuleDestroy(): void {
    this.stopped = true;
    if (this.kickTimer) clearTimeout(this.kickTimer);
  }

  private async drain(): Promise<HandOverOutcome> {
    const total: HandOverOutcome = { wiped: 0, failed: 0 };
    do {
      this.again = false;
      for (;;) {
        // One lease per lane: a batch is wiped all at once, and the next leased when it is done.
        const lanes = this.config.deviceResetConcurrency;
        const tasks = await this.repository.takeDue(lanes, this.config.deviceResetTimeoutMs);
        if (tasks.length === 0) break;
        const attempts = await mapInParallel(tasks, lanes, (task) => this.attempt(task));
        // The confirmed wipes of the batch in one statement; failures and departures one by one.
        const wiped = await this.repository.completeAll(
          attempts.filter(({ task, failure }) => failure === null && !task.leaving).map(({ task }) => task),
        );
        const outcomes = await Promise.all(attempts.map((attempt) => this.settle(attempt, wiped)));
        total.wiped += outcomes.filter((outcome) => outcome === 'wiped').length;
        total.failed += outcomes.filter((outcome) => outcome === 'failed').length;
        if (this.stopped) return total;
      }
    } while (this.again && !this.stopped);
    if (total.wiped > 0) {
      await this.cache.invalidateTags(AVAILABLE_DEVICES_CACHE_TAG);
      this.freed.raise();
    }
    return total;
  }

  /** Asks the provider to wipe (or, for a leaving device, destroy) it; the failure, if any. */
  private async attempt(task: ResetTask): Promise<WipeAttempt> {
    const started = performance.now();
    if (task.attempt > MAX_ATTEMPTS) {
      return { task, started, failure: `the wipe was taken over ${MAX_ATTEMPTS} times without an outcome` };
    }
    if (!(await this.provisioner.serves(task))) {
      return { task, started, failure: `provider ${task.provider} is not configured in this deployment` };
    }
    try {
      if (task.leaving) await this.provisioner.destroy(task);
      else await this.provisioner.reset(task);
      return { task, started, failure: null };
    } catch (error) {
      return { task, started, failure: error instanceof Error ? error.message : String(error) };
    }
  }

  private async settle(
    { task, started, failure }: WipeAttempt,
    wiped: ReadonlySet<string>,
  ): Promise<'wiped' | 'retired' | 'failed' | 'fenced'> {
    const settled =
      failure !== null
        ? await this.repository.fail(task, `reset failed: ${failure}`.slice(0, 500))
        : task.leaving
          ? await this.repository.retire(task)
          : wiped.has(task.id);
    if (!settled) return 'fenced';
    const outcome = failure !== null ? 'failed' : task.leaving ? 'retired' : 'wiped';
    this.resets.inc({ outcome });
    this.duration.observe((performance.now() - started) / 1000);
    if (failure !== null) {
      this.logger.error({
        msg: 'device wipe failed; the device is failed',
        deviceId: task.id,
        reason: failure,
      });
    }
    return outcome;
  }
}
