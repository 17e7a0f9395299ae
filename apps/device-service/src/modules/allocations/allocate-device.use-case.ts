import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import type { AllocateDeviceRequest, AllocationResponse } from '@cloudphone/contracts';
import {
  AppError,
  backgroundFailureLevel,
  CacheService,
  MetricsService,
  type Principal,
  SharedStatement,
  TransactionRunner,
} from '@cloudphone/shared';
import type { Counter, Histogram } from 'prom-client';
import { DeviceServiceConfig } from '../../config/device-service.config';
import { AVAILABLE_DEVICES_CACHE_TAG } from '../devices';
import { type UsageReport, UsageReportDispatcher } from '../usage-reports';
import { AllocationAdmission } from './allocation-admission';
import { AllocationEntitlements, type Entitlement } from './allocation-entitlements.service';
import { AllocationEventsPublisher } from './allocation-events.publisher';
import { type AllocationRecord, toAllocationResponse } from './allocation-record';
import { PLAIN, PlacementChoices } from './placement-choice';
import { allocationSubject, claimRequestOf, idempotencyKeyOf, requestHashOf } from './allocation-request';
import { quotaRestoreReport, quotaUsageReport } from './allocation-usage-reports';
import { AllocationErrors } from './allocations.errors';
import { allocationStatementBatchItems } from './allocation-statement.metrics';
import type { ClaimRequest } from './allocation-claim';
import { AllocationsRepository } from './allocations.repository';
import { type Activation, AllocationTransitionsRepository } from './allocation-transitions.repository';
import { SchedulerClock } from './scheduler-clock';

/** The answer of an allocate call; `replayed` when it repeats an earlier answer for the same key. */
export interface AllocationOutcome {
  allocation: AllocationResponse;
  replayed: boolean;
}

/** Claims lost to a concurrent claim of the same device are retried this many times. */
const MAX_CLAIM_ATTEMPTS = 5;
/** A keyed request that found no device looks again after this (times the attempt), see `claim`. */
const KEYED_RECLAIM_PAUSE_MS = 10;

/**
 * Allocate a device (§5): a claim of a free device (one statement, row lock SKIP LOCKED,
 * constraints forbid a second holder), then the quota reservation and balance check for that
 * device's exact spec, then activation with its `device.allocated` event in one transaction. A
 * refused or failed claim frees the device and gives back any quota it took.
 */
@Injectable()
export class AllocateDeviceUseCase {
  private readonly logger = new Logger(AllocateDeviceUseCase.name);
  private readonly requests: Counter<'outcome'>;
  private readonly latency: Histogram<'outcome'>;
  private readonly claimConflicts: Counter;
  // Concurrent activations of this replica share one statement (the calls arriving while one is in
  // flight leave together in the next); inside a transaction one is written alone in it.
  private readonly activations: SharedStatement<Activation, AllocationRecord | null>;

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly allocations: AllocationsRepository,
    private readonly transitions: AllocationTransitionsRepository,
    private readonly entitlements: AllocationEntitlements,
    private readonly dispatcher: UsageReportDispatcher,
    private readonly publisher: AllocationEventsPublisher,
    private readonly cache: CacheService,
    private readonly clock: SchedulerClock,
    private readonly config: DeviceServiceConfig,
    private readonly placement: PlacementChoices,
    private readonly admission: AllocationAdmission,
    metrics: MetricsService,
  ) {
    this.requests = metrics.counter({
      name: 'cloudphone_allocation_requests_total',
      help: 'Allocate requests by outcome (allocated, replayed, or the error code)',
      labelNames: ['outcome'],
    });
    this.latency = metrics.histogram({
      name: 'cloudphone_allocation_duration_seconds',
      help: 'Time to answer an allocate request, by outcome',
      labelNames: ['outcome'],
      buckets: [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    });
    this.claimConflicts = metrics.counter({
      name: 'cloudphone_allocation_claim_conflicts_total',
      help: 'Device claims the database refused because another claim won the race (then retried)',
    });
    const batchItems = allocationStatementBatchItems(metrics);
    this.activations = new SharedStatement((items) => this.transitions.activateAll(items), {
      onBatch: (items) => batchItems.observe({ operation: 'activate' }, items),
    });
  }

  /**
   * Hands the caller (or, for an admin or service, the named user) a free device for
   * `durationMinutes`, or refuses before anything is held: the device is freed and any quota taken
   * given back before the refusal is thrown, so the caller may retry at once. A request repeated
   * with the same idempotency key answers the first one's allocation (`replayed`), never a second
   * device; with another request behind the key it is refused (IDEMPOTENCY_KEY_REUSED). Calls
   * beyond this replica's admission limits wait, or answer ALLOCATION_BUSY, before anything.
   */
  async allocate(
    principal: Principal,
    request: AllocateDeviceRequest,
    idempotencyHeader?: string,
  ): Promise<AllocationOutcome> {
    const stopTimer = this.latency.startTimer();
    let outcome = 'error';
    try {
      const result = await this.admission.run(() => this.allocateOnce(principal, request, idempotencyHeader));
      outcome = result.replayed ? 'replayed' : 'allocated';
      return result;
    } catch (error) {
      if (error instanceof AppError) outcome = error.code;
      throw error;
    } finally {
      this.requests.inc({ outcome });
      stopTimer({ outcome });
    }
  }

  private async allocateOnce(
    principal: Principal,
    request: AllocateDeviceRequest,
    idempotencyHeader?: string,
  ): Promise<AllocationOutcome> {
    if (request.durationMinutes > this.config.allocationMaxDurationMinutes) {
      throw AllocationErrors.invalidRequest(
        'durationMinutes',
        `must not exceed ${this.config.allocationMaxDurationMinutes}`,
      );
    }
    const subject = allocationSubject(principal, request);
    const key = idempotencyKeyOf(idempotencyHeader, request);
    const hash = key ? requestHashOf(subject, request) : null;
    if (key) {
      const earlier = await this.allocations.findByIdempotencyKey(subject.userId, key);
      if (earlier) return replay(earlier, key, hash);
    }
    const claimed = await this.claim(claimRequestOf(subject, request, key, hash));
    if ('earlier' in claimed) return replay(claimed.earlier, key as string, hash);

    // The committed claim took the device off the free list (`held_by`), and the activation changes
    // nothing there: the eviction the answer waits for runs beside the entitlement calls, not as a
    // Redis round trip after the activation. It is asked after them so their requests leave first
    // (undici holds a request on an idle keep-alive socket for one event-loop turn, and a Redis
    // reply read in that turn would go ahead of it). It never rejects; a refusal's give-back evicts
    // again once the device is free.
    const entitled = this.entitlements.confirm(claimed.claim);
    const evicted = this.cache.invalidateTags(AVAILABLE_DEVICES_CACHE_TAG);
    let entitlement: Entitlement;
    try {
      entitlement = await entitled;
    } catch (error) {
      // Unexpected: whether quota was taken is unknown, so give it back (a restore is idempotent).
      await this.failClaim(claimed.claim, 'INTERNAL_ERROR', true);
      await evicted;
      throw error;
    }
    if (!entitlement.granted) {
      await this.failClaim(claimed.claim, entitlement.refusal.code, entitlement.quotaTaken);
      await evicted;
      throw entitlement.refusal;
    }
    const allocation = await this.activate(claimed.claim, entitlement.quotaDeferred, evicted);
    return { allocation, replayed: false };
  }

  private async claim(
    request: ClaimRequest,
  ): Promise<{ claim: AllocationRecord } | { earlier: AllocationRecord }> {
    const choice = await this.placement.choice();
    for (let attempt = 1; ; attempt++) {
      let outcome = await this.allocations.claimDevice(request, choice);
      // The scored claim looks at the first free devices of each node; when all it saw were taken
      // by concurrent claims, the plain claim walks on past them.
      if (outcome.kind === 'none' && choice.scored)
        outcome = await this.allocations.claimDevice(request, PLAIN);
      switch (outcome.kind) {
        case 'claimed':
          return { claim: outcome.claim };
        case 'none': {
          // Concurrent requests with this key may hold the free devices row-locked (the claim
          // skips locked rows) and be about to commit: answer as that key's request once it shows,
          // and look again shortly before saying "no device".
          if (!request.idempotencyKey) throw AllocationErrors.noDeviceAvailable(wantedDevice(request));
          const holder = await this.allocations.findByIdempotencyKey(request.userId, request.idempotencyKey);
          if (holder) return { earlier: holder };
          if (attempt >= MAX_CLAIM_ATTEMPTS) throw AllocationErrors.noDeviceAvailable(wantedDevice(request));
          await sleep(KEYED_RECLAIM_PAUSE_MS * attempt);
          break;
        }
        case 'key-taken': {
          const earlier = await this.allocations.findByIdempotencyKey(
            request.userId,
            request.idempotencyKey as string,
          );
          if (earlier) return { earlier };
          // The other request with this key failed and let go of it meanwhile: claim again.
          if (attempt >= MAX_CLAIM_ATTEMPTS) throw AllocationErrors.requestInProgress(request.allocationId);
          break;
        }
        case 'lost-race':
          if (attempt >= MAX_CLAIM_ATTEMPTS) throw outcome.error;
          this.claimConflicts.inc();
      }
    }
  }

  private async activate(
    claim: AllocationRecord,
    quotaDeferred: boolean,
    evicted: Promise<void>,
  ): Promise<AllocationResponse> {
    const response = toAllocationResponse({ ...claim, status: 'active' });
    const at = this.clock.timeToRecord();
    let active: AllocationRecord | null;
    let reports: UsageReport[] = [];
    if (quotaDeferred) {
      // The owed quota report joins the activation and its event in one transaction.
      ({ active, reports } = await this.transactions.run(async () => {
        const record = await this.activations.run({ claim, at, response });
        if (!record) return { active: null, reports: [] };
        const stored = await this.dispatcher.store([quotaUsageReport(record)]);
        await this.publisher.allocated(record);
        return { active: record, reports: stored };
      }));
    } else {
      // The common case: the activation writes its own event, in one statement and no transaction.
      active = await this.activations.run({ claim, at, response, event: this.publisher.allocatedRow(claim) });
    }
    if (active && !quotaDeferred) await this.publisher.written();
    await evicted;
    // The recovery job failed this claim meanwhile (and queued its quota restore).
    if (!active?.response) throw AllocationErrors.claimAbandoned(claim.id);
    this.dispatcher.deliverInBackground(reports);
    this.logger.log({
      msg: 'device allocated',
      allocationId: active.id,
      deviceId: active.deviceId,
      userId: active.userId,
      expiresAt: active.expiresAt.toISOString(),
      fencingToken: active.fencingToken,
    });
    // The same content as the stored answer, in the contract's field order (jsonb reorders keys).
    return toAllocationResponse(active);
  }

  /** Frees a refused claim's device and, when quota was (or may have been) taken, gives it back. */
  private async failClaim(claim: AllocationRecord, code: string, restoreQuota: boolean): Promise<void> {
    try {
      const reports = await this.transactions.run(async () => {
        const failed = await this.allocations.failClaim(claim.id, code);
        if (!failed) return [];
        await this.publisher.failed(claim, code);
        return restoreQuota ? this.dispatcher.store([quotaRestoreReport(claim)]) : [];
      });
      await this.cache.invalidateTags(AVAILABLE_DEVICES_CACHE_TAG);
      // Waited for, so the quota is back before the caller hears "no" and tries again.
      await this.dispatcher.deliver(reports);
    } catch (error) {
      // The claim stays pending; the recovery job fails it and restores its quota after the timeout.
      this.logger[backgroundFailureLevel(error)]({
        msg: 'could not fail a refused claim',
        allocationId: claim.id,
        code,
        err: error,
      });
    }
  }
}

function replay(earlier: AllocationRecord, key: string, hash: string | null): AllocationOutcome {
  if (earlier.requestHash !== hash) throw AllocationErrors.idempotencyKeyReused(key);
  if (earlier.status === 'pending' || !earlier.response) throw AllocationErrors.requestInProgress(earlier.id);
  return { allocation: earlier.response, replayed: true };
}

function wantedDevice(request: ClaimRequest): Record<string, unknown> {
  return {
    durationMinutes: request.durationMinutes,
    cpuCores: request.cpuCores,
    memoryMb: request.memoryMb,
    storageGb: request.storageGb,
    region: request.region,
    androidVersion: request.androidVersion,
  };
}
