import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import {
  type AllocateDeviceRequest,
  type BatchAllocateRequest,
  type BatchExtendRequest,
  type BatchItemResult,
  type BatchQueryRequest,
  type BatchQueryResponse,
  type BatchReleaseRequest,
  type BatchResponse,
  type QuotaCheckRequest,
} from '@cloudphone/contracts';
import {
  actsForEveryone,
  AppError,
  HttpClientError,
  mapInParallel,
  type Principal,
} from '@cloudphone/shared';
import { QuotaClient } from '../../integrations/platform-services/quota.client';
import { AllocateDeviceUseCase } from './allocate-device.use-case';
import { toAllocationResponse } from './allocation-record';
import { allocationSubject, idempotencyHeaderOf } from './allocation-request';
import { AllocationErrors } from './allocations.errors';
import { AllocationsRepository } from './allocations.repository';
import { ExtendAllocationUseCase } from './extend-allocation.use-case';
import { ReleaseAllocationUseCase } from './release-allocation.use-case';

/** Items of one batch handled at once: enough to overlap their round trips, few enough to be fair. */
const ITEMS_IN_FLIGHT = 4;

/**
 * The batch calls (§5): each item goes through the single call's use case, so it gets the same
 * checks, answer and error codes; partial success is the rule. An item's idempotency key is the
 * batch's key and its index, so a resent batch replays each item instead of doing it again.
 */
@Injectable()
export class AllocationBatchUseCase {
  private readonly logger = new Logger(AllocationBatchUseCase.name);

  constructor(
    private readonly allocateDevice: AllocateDeviceUseCase,
    private readonly releaseAllocation: ReleaseAllocationUseCase,
    private readonly extendAllocation: ExtendAllocationUseCase,
    private readonly allocations: AllocationsRepository,
    private readonly quota: QuotaClient,
  ) {}

  /** Refused whole (403 QUOTA_EXCEEDED) when a user's items together cannot fit their quota. */
  async allocate(principal: Principal, request: BatchAllocateRequest, key?: string): Promise<BatchResponse> {
    const batchKey = idempotencyHeaderOf(key);
    await this.checkQuotaOfWholeBatch(principal, request.items);
    return this.run(request.items, async (item, index) => {
      const itemKey = item.idempotencyKey === undefined && batchKey ? itemKeyOf(batchKey, index) : undefined;
      const outcome = await this.allocateDevice.allocate(principal, item, itemKey);
      return {
        status: outcome.replayed ? 200 : 201,
        allocation: outcome.allocation,
        replayed: outcome.replayed,
      };
    });
  }

  release(principal: Principal, request: BatchReleaseRequest): Promise<BatchResponse> {
    return this.run(request.items, async (item) => ({
      status: 200,
      allocation: await this.releaseAllocation.release(principal, item),
    }));
  }

  extend(principal: Principal, request: BatchExtendRequest, key?: string): Promise<BatchResponse> {
    if (key === undefined || key === '') throw AllocationErrors.idempotencyKeyRequired();
    const batchKey = idempotencyHeaderOf(key) as string;
    return this.run(request.items, async (item, index) => {
      const { allocationId, additionalMinutes, reason } = item;
      const outcome = await this.extendAllocation.extend(
        principal,
        allocationId,
        { additionalMinutes, ...(reason !== undefined && { reason }) },
        itemKeyOf(batchKey, index),
      );
      return { status: 200, ...outcome.answer, replayed: outcome.replayed };
    });
  }

  /** The live allocations of each user asked (a plain user may ask only about themself). */
  async query(principal: Principal, request: BatchQueryRequest): Promise<BatchQueryResponse> {
    if (
      !actsForEveryone(principal) &&
      request.userIds.some((userId) => userId !== principalUser(principal))
    ) {
      throw AllocationErrors.actingForOthers();
    }
    const live = await this.allocations.liveOfUsers([...new Set(request.userIds)]);
    return {
      users: request.userIds.map((userId) => ({
        userId,
        allocations: live.filter((allocation) => allocation.userId === userId).map(toAllocationResponse),
      })),
    };
  }

  private async checkQuotaOfWholeBatch(principal: Principal, items: AllocateDeviceRequest[]): Promise<void> {
    const wanted = new Map<
      string,
      { devices: number; cpuCores: number; memoryMb: number; storageGb: number }
    >();
    for (const item of items) {
      const { userId } = allocationSubject(principal, item);
      const sum = wanted.get(userId) ?? { devices: 0, cpuCores: 0, memoryMb: 0, storageGb: 0 };
      sum.devices += 1;
      sum.cpuCores += item.requirements?.cpuCores ?? 1;
      sum.memoryMb += item.requirements?.memoryMb ?? 0;
      sum.storageGb += item.requirements?.storageGb ?? 0;
      wanted.set(userId, sum);
    }
    for (const [userId, resources] of wanted) {
      const answer = await this.quotaCheck(userId, resources);
      // User-service down under `allow`: each item's own quota report still decides.
      if (answer.degraded || answer.response.allowed) continue;
      throw new AppError(
        'QUOTA_EXCEEDED',
        403,
        'The batch as a whole exceeds the quota; nothing was allocated',
        {
          userId,
          exceeded: answer.response.exceeded,
          requested: resources,
          limits: answer.response.limits,
          usage: answer.response.usage,
        },
      );
    }
  }

  /** user-service's check; its refusals (USER_NOT_FOUND, USER_SUSPENDED) are passed on as they are. */
  private async quotaCheck(userId: string, resources: Omit<QuotaCheckRequest, 'userId'>) {
    try {
      return await this.quota.check({ userId, ...resources });
    } catch (error) {
      if (!(error instanceof HttpClientError)) throw error;
      throw AllocationErrors.refusedByUserService(error.status, error.code, error.message, error.details);
    }
  }

  /** Runs `handle` on every item, ITEMS_IN_FLIGHT at once, and answers in request order. */
  private async run<T>(
    items: T[],
    handle: (item: T, index: number) => Promise<Omit<BatchItemResult, 'index'>>,
  ): Promise<BatchResponse> {
    const results = await mapInParallel(items, ITEMS_IN_FLIGHT, async (item, index) => {
      try {
        return { index, ...(await handle(item, index)) };
      } catch (error) {
        return { index, ...this.failure(error) };
      }
    });
    const succeeded = results.filter((result) => result.error === undefined).length;
    return { results, succeeded, failed: results.length - succeeded };
  }

  private failure(error: unknown): Pick<BatchItemResult, 'status' | 'error'> {
    if (error instanceof AppError) {
      return {
        status: error.httpStatus,
        error: {
          code: error.code,
          message: error.message,
          ...(error.details !== undefined && { details: error.details }),
        },
      };
    }
    this.logger.error({ msg: 'batch item failed unexpectedly', err: error });
    return {
      status: 500,
      error: { code: 'INTERNAL_ERROR', message: 'This item failed; the others are unaffected' },
    };
  }
}

/** An item's key: the batch key (digested, so any valid key fits) and the item's index. */
function itemKeyOf(batchKey: string, index: number): string {
  return `batch-${createHash('sha256').update(batchKey).digest('hex').slice(0, 40)}-${index}`;
}

function principalUser(principal: Principal): string | undefined {
  return principal.kind === 'user' ? principal.userId : undefined;
}
