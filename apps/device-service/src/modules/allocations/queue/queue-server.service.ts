import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppError, backgroundFailureLevel, type Principal, TransactionRunner } from '@cloudphone/shared';
import { DeviceFreedSignal } from '../../devices';
import { DeviceServiceConfig } from '../../../config/device-service.config';
import { AllocateDeviceUseCase } from '../allocate-device.use-case';
import { SchedulerClock } from '../scheduler-clock';
import { QueueEventsPublisher } from './queue-events.publisher';
import type { QueueEntryRecord } from './queue-entry-record';
import { requirementsImply } from './queue-priority';
import { QueueRepository } from './queue.repository';

/** Answers that mean "not now": the entry waits on (a device may be free later, a service back). */
const TRY_LATER = new Set([
  'NO_DEVICE_AVAILABLE',
  'REQUEST_IN_PROGRESS',
  'ALLOCATION_ABANDONED',
  'DEPENDENCY_UNAVAILABLE',
]);

/** The scheduler acting for the entry's user: allocate's checks for another user's request. */
const QUEUE_PRINCIPAL: Principal = { kind: 'service', service: 'device-service' };

/**
 * Serves the queue: the highest-priority waiting entries are taken as `serving` (SKIP LOCKED, so
 * replicas serving at once take different ones) and each goes through the allocate use case for
 * its user, with the idempotency key `queue:<entry id>`. That key, unique per user, gives an entry
 * at most one allocation even when a replica dies after allocating and another serves it again
 * (it replays); the device claim gives a device to at most one entry. An entry with nothing free
 * for it goes back to waiting and the next one is tried, so it never blocks the entries behind it
 * (those no easier to serve are skipped: a device freed during the pass is left to the next pass,
 * which offers it to the higher entry first); quota, balance or account refusals end it as `refused`.
 */
@Injectable()
export class QueueServer implements OnApplicationBootstrap {
  private readonly logger = new Logger(QueueServer.name);
  private running: Promise<number> | null = null;
  private again = false;

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly queue: QueueRepository,
    private readonly allocateDevice: AllocateDeviceUseCase,
    private readonly publisher: QueueEventsPublisher,
    private readonly signal: DeviceFreedSignal,
    private readonly clock: SchedulerClock,
    private readonly config: DeviceServiceConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.signal.listen(
      () =>
        void this.serve().catch((error) =>
          this.logger[backgroundFailureLevel(error)]({ msg: 'queue pass failed', err: error }),
        ),
    );
  }

  /** Runs serving passes until one finds nothing to do; answers how many entries were fulfilled. */
  serve(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.passes().finally(() => (this.running = null));
    return this.running;
  }

  private async passes(): Promise<number> {
    let fulfilled = 0;
    do {
      this.again = false;
      fulfilled += await this.pass();
    } while (this.again);
    return fulfilled;
  }

  private async pass(): Promise<number> {
    const now = await this.clock.now();
    const taken = await this.queue.takeForServing(
      now,
      this.config.queueAgingPerMinute,
      this.config.queueServeBatch,
    );
    let fulfilled = 0;
    const unmet: QueueEntryRecord[] = [];
    for (const entry of taken) {
      // Nothing can be free for it if nothing was for a higher entry it is no easier to serve than.
      if (unmet.some((higher) => requirementsImply(entry.requirements, higher.requirements))) {
        await this.queue.release(entry.id);
        continue;
      }
      const outcome = await this.serveOne(entry);
      if (outcome === 'fulfilled') fulfilled++;
      if (outcome === 'nothing-free') unmet.push(entry);
    }
    if (fulfilled > 0) this.logger.log({ msg: 'queue entries fulfilled', fulfilled, tried: taken.length });
    return fulfilled;
  }

  private async serveOne(
    entry: QueueEntryRecord,
  ): Promise<'fulfilled' | 'refused' | 'nothing-free' | 'later'> {
    try {
      const { allocation } = await this.allocateDevice.allocate(
        QUEUE_PRINCIPAL,
        {
          durationMinutes: entry.durationMinutes,
          requirements: entry.requirements,
          userId: entry.userId,
          tenantId: entry.tenantId,
        },
        `queue:${entry.id}`,
      );
      await this.transactions.run(async () => {
        const ended = await this.queue.end(entry.id, 'fulfilled', await this.clock.now(), {
          allocationId: allocation.id,
        });
        if (ended) await this.publisher.fulfilled(ended, allocation);
      });
      return 'fulfilled';
    } catch (error) {
      if (error instanceof AppError && !TRY_LATER.has(error.code) && error.httpStatus < 500) {
        await this.transactions.run(async () => {
          const ended = await this.queue.end(entry.id, 'refused', await this.clock.now(), {
            code: error.code,
          });
          if (ended) await this.publisher.refused(ended, error.code);
        });
        this.logger.warn({ msg: 'queue entry refused', entryId: entry.id, code: error.code });
        return 'refused';
      }
      if (!(error instanceof AppError))
        this.logger[backgroundFailureLevel(error)]({
          msg: 'queue entry failed',
          entryId: entry.id,
          err: error,
        });
      await this.queue.release(entry.id);
      return error instanceof AppError && error.code === 'NO_DEVICE_AVAILABLE' ? 'nothing-free' : 'later';
    }
  }
}
