import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import type {
  JoinQueueRequest,
  QueueEntryResponse,
  QueuePositionResponse,
  QueueStatsResponse,
} from '@cloudphone/contracts';
import { afterCommit, type ListQuery, mayActFor, type Page, type Principal } from '@cloudphone/shared';
import { DeviceFreedSignal } from '../../devices';
import { DeviceServiceConfig } from '../../../config/device-service.config';
import { allocationSubject, idempotencyHeaderOf, listOwnerOf } from '../allocation-request';
import { AllocationErrors } from '../allocations.errors';
import { SchedulerClock } from '../scheduler-clock';
import { UserTiers } from '../user-tiers.service';
import { isWaiting, type QueueEntryRecord, toQueueEntryResponse } from './queue-entry-record';
import { effectivePriority, estimatedWaitMinutes, TIER_BASE_PRIORITY } from './queue-priority';
import { QueueRepository } from './queue.repository';

/** How long a cancel waits for a serving pass to let go of the entry, and how often it looks. */
const CANCEL_WAIT_MS = 3000;
const CANCEL_POLL_MS = 25;

/** Joining, leaving and reading the queue (§5); serving it is QueueServer's. */
@Injectable()
export class QueueUseCase {
  private readonly logger = new Logger(QueueUseCase.name);

  constructor(
    private readonly queue: QueueRepository,
    private readonly tiers: UserTiers,
    private readonly signal: DeviceFreedSignal,
    private readonly clock: SchedulerClock,
    private readonly config: DeviceServiceConfig,
  ) {}

  /**
   * Adds an entry with the user's tier's base priority, and asks for a serving pass at once (if
   * a device is free already, the entry is served within moments). The same Idempotency-Key
   * answers the same entry.
   */
  async join(
    principal: Principal,
    request: JoinQueueRequest,
    idempotencyHeader?: string,
  ): Promise<{ entry: QueueEntryResponse; replayed: boolean }> {
    if (request.durationMinutes > this.config.allocationMaxDurationMinutes) {
      throw AllocationErrors.invalidRequest(
        'durationMinutes',
        `must not exceed ${this.config.allocationMaxDurationMinutes}`,
      );
    }
    const subject = allocationSubject(principal, request);
    const key = idempotencyHeaderOf(idempotencyHeader);
    const hash = createHash('sha256')
      .update(
        JSON.stringify([
          subject,
          request.durationMinutes,
          request.requirements ?? {},
          request.maxWaitMinutes ?? null,
        ]),
      )
      .digest('hex');
    if (key) {
      const earlier = await this.queue.findByIdempotencyKey(subject.userId, key);
      if (earlier) return { entry: await this.replay(earlier, key, hash), replayed: true };
    }
    const tier = await this.tiers.tierOf(subject.userId);
    const now = await this.clock.now();
    const maxWait = request.maxWaitMinutes ?? this.config.queueDefaultMaxWaitMinutes;
    const joined = await this.queue.join({
      id: randomUUID(),
      userId: subject.userId,
      tenantId: subject.tenantId,
      status: 'waiting',
      tier,
      basePriority: TIER_BASE_PRIORITY[tier],
      durationMinutes: request.durationMinutes,
      requirements: request.requirements ?? {},
      enqueuedAt: now,
      expiresAt: new Date(now.getTime() + maxWait * 60_000),
      servingSince: null,
      allocationId: null,
      outcomeCode: null,
      position: null,
      endedAt: null,
      idempotencyKey: key,
      requestHash: key ? hash : null,
      createdAt: now,
    });
    if (joined === 'key-taken') {
      const earlier = await this.queue.findByIdempotencyKey(subject.userId, key as string);
      if (!earlier) throw AllocationErrors.requestInProgress(key as string);
      return { entry: await this.replay(earlier, key as string, hash), replayed: true };
    }
    this.logger.log({ msg: 'queue joined', entryId: joined.id, userId: joined.userId, tier });
    this.signal.raise();
    return { entry: await this.describe(joined), replayed: false };
  }

  async get(principal: Principal, id: string): Promise<QueueEntryResponse> {
    return this.describe(await this.visible(principal, id));
  }

  async position(principal: Principal, id: string): Promise<QueuePositionResponse> {
    const described = await this.describe(await this.visible(principal, id));
    return {
      id,
      status: described.status,
      position: described.position,
      ahead: Math.max(0, (described.position ?? 1) - 1),
      priority: described.priority,
      estimatedWaitMinutes: described.estimatedWaitMinutes,
    };
  }

  async list(principal: Principal, query: ListQuery): Promise<Page<QueueEntryResponse>> {
    const owner = listOwnerOf(principal, query);
    const page = await this.queue.list(query, owner);
    const now = await this.clock.now();
    return {
      ...page,
      items: page.items.map((entry) => toQueueEntryResponse(entry, this.priorityOf(entry, now), null)),
    };
  }

  /**
   * Leaves the queue; a repeat answers the cancelled entry. An entry a serving pass holds right now
   * is waited for (most passes find nothing and put it back within milliseconds), up to
   * CANCEL_WAIT_MS; 409 once it was served or ended otherwise.
   */
  async cancel(principal: Principal, id: string): Promise<QueueEntryResponse> {
    const entry = await this.visible(principal, id);
    const deadline = Date.now() + CANCEL_WAIT_MS;
    for (;;) {
      const cancelled = await this.queue.end(id, 'cancelled', await this.clock.now());
      if (cancelled) return this.describe(cancelled);
      const now = (await this.queue.findById(id)) ?? entry;
      if (now.status === 'cancelled') return this.describe(now);
      if (now.status !== 'serving' && now.status !== 'waiting')
        throw AllocationErrors.queueEntryEnded(id, now.status);
      if (Date.now() >= deadline) throw AllocationErrors.requestInProgress(id);
      await sleep(CANCEL_POLL_MS);
    }
  }

  /** Cancels a user's waiting entries (suspended, deleted), in the caller's transaction. */
  async cancelAllOfUser(userId: string): Promise<number> {
    const now = await this.clock.now();
    let cancelled = 0;
    for (const entry of await this.queue.waitingOfUser(userId)) {
      if (await this.queue.end(entry.id, 'cancelled', now, { code: 'USER_NOT_ACTIVE' })) cancelled++;
    }
    return cancelled;
  }

  /** A tier change: the user's live entries move to the new tier's base priority; then a pass. */
  async retier(userId: string, tier: keyof typeof TIER_BASE_PRIORITY): Promise<number> {
    const moved = await this.queue.retier(userId, tier, TIER_BASE_PRIORITY[tier]);
    if (moved > 0) await afterCommit(() => this.signal.raise());
    return moved;
  }

  async stats(): Promise<QueueStatsResponse> {
    const now = await this.clock.now();
    const row = await this.queue.stats(now);
    return {
      waiting: row.waiting,
      byTier: row.byTier ?? {},
      oldestWaitMinutes: row.oldest
        ? Math.max(0, Math.floor((now.getTime() - row.oldest.getTime()) / 60_000))
        : 0,
      endedLastHour: row.endedLastHour ?? {},
      averageWaitMinutesLastHour:
        row.averageWaitSeconds === null ? null : Math.round((row.averageWaitSeconds / 60) * 10) / 10,
    };
  }

  private async visible(principal: Principal, id: string): Promise<QueueEntryRecord> {
    const entry = await this.queue.findById(id);
    if (!entry || !mayActFor(principal, entry.userId)) throw AllocationErrors.queueEntryNotFound(id);
    return entry;
  }

  private async describe(entry: QueueEntryRecord): Promise<QueueEntryResponse> {
    const now = await this.clock.now();
    const priority = this.priorityOf(entry, now);
    if (!isWaiting(entry)) return toQueueEntryResponse(entry, priority, null);
    const place = await this.queue.place(entry.id, now, this.config.queueAgingPerMinute);
    return toQueueEntryResponse(
      entry,
      priority,
      place && {
        position: place.position,
        estimatedWaitMinutes: estimatedWaitMinutes(
          place.position,
          place.averageMinutes,
          place.rentableDevices,
        ),
      },
    );
  }

  private priorityOf(entry: QueueEntryRecord, now: Date): number {
    const until = entry.endedAt ?? now;
    return effectivePriority(entry.basePriority, entry.enqueuedAt, until, this.config.queueAgingPerMinute);
  }

  private async replay(earlier: QueueEntryRecord, key: string, hash: string): Promise<QueueEntryResponse> {
    if (earlier.requestHash !== hash) throw AllocationErrors.idempotencyKeyReused(key);
    return this.describe(earlier);
  }
}
