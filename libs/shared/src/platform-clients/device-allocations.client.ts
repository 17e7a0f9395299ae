import {
  type AllocationResponse,
  type BatchQueryRequest,
  type BatchQueryResponse,
  DEVICE_ROUTES,
  type PageResponse,
} from '@cloudphone/contracts';
import type { HttpClient } from '../http/http-client';
import { HttpClientError } from '../http/http-client.errors';
import { ServiceClient } from '../http/service-client';
import type { MetricsService } from '../metrics/metrics.service';

/** A page of `activePage`: the active allocations after a cursor. */
export interface ActiveAllocationsQuery {
  /** Only allocations that started before this instant. */
  startedBefore: Date;
  /** The last id of the previous page (null for the first). */
  afterId: string | null;
  /** At most this many (device-service caps a page at 100). */
  limit: number;
}

/**
 * device-service's allocations, read with the service token: whether a rental (a proxy, a number)
 * may be bound to an allocation (its owner's and active), which bound allocations still live, and
 * which allocations run (billing's meters). Strict: while device-service is unavailable a call throws
 * (a binding is refused with 503), never guessed.
 */
export class DeviceAllocationsClient extends ServiceClient {
  constructor(http: HttpClient, metrics: MetricsService) {
    super(http, metrics);
  }

  /** The allocation, or null when device-service has none with this id. */
  async find(allocationId: string): Promise<AllocationResponse | null> {
    try {
      return await this.strictCall('allocation.read', () =>
        this.http.get<AllocationResponse>(DEVICE_ROUTES.allocation, { params: { id: allocationId } }),
      );
    } catch (error) {
      if (error instanceof HttpClientError && error.status === 404) return null;
      throw error;
    }
  }

  /**
   * The status of the user's allocation, or null when device-service has none with this id or it is
   * another user's (a caller may not learn which).
   */
  async statusFor(allocationId: string, userId: string): Promise<AllocationResponse['status'] | null> {
    const allocation = await this.find(allocationId);
    return allocation && allocation.userId === userId ? allocation.status : null;
  }

  /** The ids of the live allocations of up to 100 users. */
  async liveAllocationIds(userIds: string[]): Promise<Set<string>> {
    const body: BatchQueryRequest = { userIds };
    const answer = await this.strictCall('allocation.batch_query', () =>
      this.http.post<BatchQueryResponse>(DEVICE_ROUTES.queryBatch, body, { idempotent: true }),
    );
    return new Set(answer.users.flatMap((user) => user.allocations.map((allocation) => allocation.id)));
  }

  /**
   * Active allocations that started before `startedBefore`, by id after `afterId`: a cursor rather
   * than page numbers, so an allocation ending between two pages shifts none of the others out.
   */
  async activePage(query: ActiveAllocationsQuery): Promise<AllocationResponse[]> {
    const answer = await this.strictCall('allocation.list_active', () =>
      this.http.get<PageResponse<AllocationResponse>>(DEVICE_ROUTES.allocations, {
        query: {
          status: 'active',
          to: query.startedBefore.toISOString(),
          afterId: query.afterId ?? undefined,
          sort: 'id',
          limit: query.limit,
        },
      }),
    );
    return answer.items;
  }
}
