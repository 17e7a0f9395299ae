import { createHash, randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import {
  type AllocationExtensionResponse,
  deviceSpecOf,
  type ExtendAllocationRequest,
  type ExtendInfoResponse,
  type ExtensionPolicy,
  type ExtensionRefusal,
  type UserTier,
} from '@cloudphone/contracts';
import { actorOf, AppError, mayActFor, MetricsService, type Principal } from '@cloudphone/shared';
import type { Counter } from 'prom-client';
import { DeviceServiceConfig } from '../../config/device-service.config';
import { BillingClient } from '../../integrations/platform-services/billing.client';
import { type ExtensionRecord, toExtensionResponse } from './allocation-extension';
import { AllocationExtensionsRepository } from './allocation-extensions.repository';
import { AllocationEventsPublisher } from './allocation-events.publisher';
import { type AllocationRecord, toAllocationResponse } from './allocation-record';
import { idempotencyHeaderOf } from './allocation-request';
import { AllocationErrors } from './allocations.errors';
import { AllocationsRepository } from './allocations.repository';
import { type ExtensionState, extensionRefusal, extensionVerdict } from './extension-policy';
import { SchedulerClock } from './scheduler-clock';
import { UserTiers } from './user-tiers.service';

/** The answer of an extend call; `replayed` when it repeats an earlier answer for the same key. */
export interface ExtensionOutcome {
  answer: AllocationExtensionResponse;
  replayed: boolean;
}

/** A concurrent change of the same allocation (another extension) is re-evaluated this many times. */
const MAX_ATTEMPTS = 3;

/**
 * Extend (renewal, §5): an active allocation's end moves later, within its owner's tier policy and
 * balance. The policy is checked on what was read; the extend statement applies only if that is
 * still what the row holds (compare-and-set), and the exclusion constraint refuses an end that
 * reaches into the device's next reservation. Billing needs nothing: the release or the expiry bills
 * to the second from the start, whatever the end became.
 */
@Injectable()
export class ExtendAllocationUseCase {
  private readonly logger = new Logger(ExtendAllocationUseCase.name);
  private readonly requests: Counter<'outcome'>;

  constructor(
    private readonly allocations: AllocationsRepository,
    private readonly extensions: AllocationExtensionsRepository,
    private readonly tiers: UserTiers,
    private readonly billing: BillingClient,
    private readonly publisher: AllocationEventsPublisher,
    private readonly clock: SchedulerClock,
    private readonly config: DeviceServiceConfig,
    metrics: MetricsService,
  ) {
    this.requests = metrics.counter({
      name: 'cloudphone_allocation_extensions_total',
      help: 'Extend requests by outcome (extended, replayed, or the refusal code)',
      labelNames: ['outcome'],
    });
  }

  async extend(
    principal: Principal,
    allocationId: string,
    request: ExtendAllocationRequest,
    idempotencyHeader: string | undefined,
  ): Promise<ExtensionOutcome> {
    let outcome = 'error';
    try {
      const result = await this.extendOnce(principal, allocationId, request, idempotencyHeader);
      outcome = result.replayed ? 'replayed' : 'extended';
      return result;
    } catch (error) {
      if (error instanceof AppError) outcome = error.code;
      throw error;
    } finally {
      this.requests.inc({ outcome });
    }
  }

  private async extendOnce(
    principal: Principal,
    allocationId: string,
    request: ExtendAllocationRequest,
    idempotencyHeader: string | undefined,
  ): Promise<ExtensionOutcome> {
    const key = requiredIdempotencyKey(idempotencyHeader);
    let allocation = await this.visibleAllocation(principal, allocationId);
    const hash = extensionRequestHash(allocationId, request);
    const earlier = await this.extensions.findByIdempotencyKey(allocation.userId, key);
    if (earlier) return this.replay(earlier, allocation, key, hash);

    const tier = await this.tiers.tierOf(allocation.userId);
    const policy = this.config.extensionPolicies[tier];
    for (let attempt = 1; ; attempt++) {
      const now = await this.clock.now();
      const refusal = extensionRefusal(policy, extensionStateOf(allocation), now, request.additionalMinutes);
      if (refusal) throw AllocationErrors.extensionRefused(refusal, tier);
      const expiresAt = new Date(allocation.expiresAt.getTime() + request.additionalMinutes * 60_000);
      await this.refuseOverlap(allocation, expiresAt);
      await this.checkBalance(allocation, expiresAt);
      const extension: ExtensionRecord = {
        id: randomUUID(),
        allocationId: allocation.id,
        userId: allocation.userId,
        sequence: allocation.extensionCount + 1,
        additionalMinutes: request.additionalMinutes,
        reason: request.reason ?? null,
        previousExpiresAt: allocation.expiresAt,
        expiresAt,
        actor: actorOf(principal),
        idempotencyKey: key,
        requestHash: hash,
        createdAt: now,
      };
      const event = this.publisher.extendedRow(allocation, extension);
      const result = await this.extensions.extend(
        { extension, seenExtensionCount: allocation.extensionCount },
        event,
      );
      switch (result.kind) {
        case 'extended':
          await this.publisher.written();
          this.logger.log({
            msg: 'allocation extended',
            tier,
            ...toExtensionResponse(extension),
          });
          return {
            answer: {
              extension: toExtensionResponse(extension),
              allocation: toAllocationResponse(result.allocation),
            },
            replayed: false,
          };
        case 'conflict':
          // A reservation took the slot between the look-up and the statement: name it. (If it is
          // gone again already, the next attempt may well succeed.)
          await this.refuseOverlap(allocation, expiresAt);
          break;
        case 'key-taken': {
          const concurrent = await this.extensions.findByIdempotencyKey(allocation.userId, key);
          if (concurrent) return this.replay(concurrent, allocation, key, hash);
          throw AllocationErrors.requestInProgress(allocation.id);
        }
        case 'changed':
          break;
      }
      if (attempt >= MAX_ATTEMPTS) throw AllocationErrors.requestInProgress(allocation.id);
      allocation = await this.visibleAllocation(principal, allocationId);
    }
  }

  /** Whether, how far and why not the allocation can be extended now (balance not included). */
  async info(principal: Principal, allocationId: string): Promise<ExtendInfoResponse> {
    const allocation = await this.visibleAllocation(principal, allocationId);
    let tier: UserTier;
    try {
      tier = await this.tiers.tierOf(allocation.userId);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'USER_NOT_ACTIVE') throw error;
      return extendInfo(allocation, 'free', this.config.extensionPolicies.free, 0, refusalOf(error), null);
    }
    const policy = this.config.extensionPolicies[tier];
    const now = await this.clock.now();
    const verdict = extensionVerdict(policy, extensionStateOf(allocation), now);
    const next = await this.extensions.nextClaim(allocation.deviceId, allocation.id, allocation.expiresAt);
    if (!verdict.allowed) {
      const { code, message, retryAt } = verdict.refusal;
      return extendInfo(
        allocation,
        tier,
        policy,
        0,
        { code, message, retryAt: retryAt?.toISOString() },
        next,
      );
    }
    const gap = next
      ? Math.floor((next.startsAt.getTime() - allocation.expiresAt.getTime()) / 60_000)
      : Infinity;
    const most = Math.min(verdict.maxAdditionalMinutes, gap);
    if (most > 0) return extendInfo(allocation, tier, policy, most, null, next);
    return extendInfo(
      allocation,
      tier,
      policy,
      0,
      refusalOf(AllocationErrors.extensionConflict(next!, allocation.expiresAt)),
      next,
    );
  }

  /** The allocation if the caller may act on it; another user's answers 404, like a missing one. */
  async visibleAllocation(principal: Principal, allocationId: string): Promise<AllocationRecord> {
    const allocation = await this.allocations.findById(allocationId);
    if (!allocation || !mayActFor(principal, allocation.userId))
      throw AllocationErrors.notFound({ allocationId });
    return allocation;
  }

  /** 409 EXTENSION_CONFLICT when the device's next live claim starts before `expiresAt`. */
  private async refuseOverlap(allocation: AllocationRecord, expiresAt: Date): Promise<void> {
    const next = await this.extensions.nextClaim(allocation.deviceId, allocation.id, allocation.expiresAt);
    if (next && next.startsAt.getTime() < expiresAt.getTime()) {
      throw AllocationErrors.extensionConflict(next, allocation.expiresAt);
    }
  }

  /** The balance must cover the whole allocation to its new end (nothing is charged before it ends). */
  private async checkBalance(allocation: AllocationRecord, expiresAt: Date): Promise<void> {
    const seconds = Math.ceil((expiresAt.getTime() - allocation.startedAt.getTime()) / 1000);
    const balance = await this.billing.checkBalance({
      userId: allocation.userId,
      durationSeconds: seconds,
      ...deviceSpecOf(allocation),
    });
    if (balance.degraded || balance.sufficient) return;
    throw AllocationErrors.insufficientBalance({
      balanceMinor: balance.response.balanceMinor,
      requiredMinor: balance.response.requiredMinor,
      currency: balance.response.currency,
    });
  }

  private async replay(
    earlier: ExtensionRecord,
    allocation: AllocationRecord,
    key: string,
    hash: string,
  ): Promise<ExtensionOutcome> {
    if (earlier.requestHash !== hash) throw AllocationErrors.idempotencyKeyReused(key);
    // The allocation as it is now (it may have ended since); the extension as it was recorded.
    const current = (await this.allocations.findById(earlier.allocationId)) ?? allocation;
    return {
      answer: { extension: toExtensionResponse(earlier), allocation: toAllocationResponse(current) },
      replayed: true,
    };
  }
}

function extendInfo(
  allocation: AllocationRecord,
  tier: UserTier,
  policy: ExtensionPolicy,
  maxAdditionalMinutes: number,
  refusal: ExtensionRefusal | null,
  next: { id: string; startsAt: Date } | null,
): ExtendInfoResponse {
  return {
    allocationId: allocation.id,
    extendable: maxAdditionalMinutes > 0,
    maxAdditionalMinutes,
    refusal,
    expiresAt: allocation.expiresAt.toISOString(),
    tier,
    policy: { ...policy },
    extensionCount: allocation.extensionCount,
    extendedMinutes: allocation.extendedMinutes,
    nextClaim: next && { id: next.id, startsAt: next.startsAt.toISOString() },
  };
}

function refusalOf(error: AppError): ExtensionRefusal {
  return { code: error.code, message: error.message };
}

export function extensionStateOf(allocation: AllocationRecord): ExtensionState {
  return {
    active: allocation.status === 'active',
    expiresAt: allocation.expiresAt,
    durationMinutes: allocation.durationMinutes,
    extensionCount: allocation.extensionCount,
    extendedMinutes: allocation.extendedMinutes,
    lastExtendedAt: allocation.lastExtendedAt,
  };
}

function requiredIdempotencyKey(header: string | undefined): string {
  if (header === undefined || header === '') throw AllocationErrors.idempotencyKeyRequired();
  return idempotencyHeaderOf(header) as string;
}

/** What the extension asks for (the key is not part of it): a resent key with another request is refused. */
function extensionRequestHash(allocationId: string, request: ExtendAllocationRequest): string {
  const canonical = JSON.stringify([allocationId, request.additionalMinutes, request.reason ?? null]);
  return createHash('sha256').update(canonical).digest('hex');
}
