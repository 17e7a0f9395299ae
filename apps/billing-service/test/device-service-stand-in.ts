import { type AllocationResponse, DEVICE_ROUTES } from '@cloudphone/contracts';
import { type RecordedRequest, ScriptedHttpServer } from '@cloudphone/shared/testing';

/** What the meter job reads of an allocation. */
export type ListedAllocation = Pick<
  AllocationResponse,
  | 'id'
  | 'userId'
  | 'tenantId'
  | 'deviceId'
  | 'cpuCores'
  | 'memoryMb'
  | 'storageGb'
  | 'startedAt'
  | 'expiresAt'
>;

/** device-service's largest page of `GET /scheduler/allocations`. */
const MAX_LIMIT = 100;

/**
 * device-service's `GET /scheduler/allocations` as a real HTTP server on loopback, for the
 * meter-running-allocations job: the allocations the test made active, filtered, sorted and cut
 * as device-service does for the query the job sends (status, started before, id cursor, limit).
 * Anything else, or a call without a bearer token, is refused as device-service would.
 */
export class DeviceServiceStandIn {
  /** The allocations device-service holds, by id. */
  readonly allocations = new Map<string, AllocationResponse>();

  private constructor(private readonly server: ScriptedHttpServer) {}

  static async start(): Promise<DeviceServiceStandIn> {
    const server = await ScriptedHttpServer.start(() => ({ status: 503 }));
    const standIn = new DeviceServiceStandIn(server);
    server.script((request) => standIn.answer(request));
    return standIn;
  }

  get url(): string {
    return this.server.url;
  }

  /** The requests received, in order: their URL and bearer token. */
  get listRequests(): Array<{ url: URL; authorization: string | undefined }> {
    return this.server.requests.map((request) => ({
      url: new URL(request.url, this.server.url),
      authorization: request.headers.authorization,
    }));
  }

  /** An active allocation, as device-service would answer it. */
  activate(allocation: ListedAllocation): void {
    this.allocations.set(allocation.id, {
      ...allocation,
      status: 'active',
      fencingToken: '1',
      durationMinutes: Math.round(
        (Date.parse(allocation.expiresAt) - Date.parse(allocation.startedAt)) / 60_000,
      ),
      region: 'eu-west-1',
      androidVersion: '14',
      endedAt: null,
      endReason: null,
      billedSeconds: null,
      chargedAmountMinor: null,
      currency: null,
      createdAt: allocation.startedAt,
    });
  }

  /** The allocation ended: device-service lists it as released. */
  release(allocationId: string): void {
    const allocation = this.allocations.get(allocationId);
    if (allocation) this.allocations.set(allocationId, { ...allocation, status: 'released' });
  }

  /** Lists the allocation with `fields` as given: a device-service that describes it wrongly. */
  misdescribe(allocationId: string, fields: Record<string, unknown>): void {
    const allocation = this.allocations.get(allocationId);
    if (allocation) this.allocations.set(allocationId, { ...allocation, ...fields } as AllocationResponse);
  }

  /** Every call drops its connection until `up()`. */
  down(): void {
    this.server.script(() => ({ destroy: true }));
  }

  up(): void {
    this.server.script((request) => this.answer(request));
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private answer(request: RecordedRequest) {
    const url = new URL(request.url, this.server.url);
    if (request.method !== 'GET' || url.pathname !== `/${DEVICE_ROUTES.allocations}`) {
      return { status: 404, body: { code: 'NOT_FOUND', message: `${request.method} ${url.pathname}` } };
    }
    if (!/^Bearer \S+$/.test(request.headers.authorization ?? '')) {
      return { status: 401, body: { code: 'UNAUTHENTICATED', message: 'a bearer token is required' } };
    }
    const query = url.searchParams;
    const limit = Number(query.get('limit') ?? 20);
    if (query.get('sort') !== 'id' || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      return { status: 400, body: { code: 'VALIDATION_FAILED', message: `unexpected query ${url.search}` } };
    }
    const status = query.get('status');
    const startedBefore = query.get('to');
    const afterId = query.get('afterId');
    const matching = [...this.allocations.values()]
      .filter((allocation) => status === null || allocation.status === status)
      .filter(
        (allocation) =>
          startedBefore === null || Date.parse(allocation.startedAt) < Date.parse(startedBefore),
      )
      .filter((allocation) => afterId === null || allocation.id > afterId)
      .sort((left, right) => (left.id < right.id ? -1 : 1));
    const items = matching.slice(0, limit);
    return {
      status: 200,
      body: { items, page: 1, limit, total: matching.length, totalPages: Math.ceil(matching.length / limit) },
    };
  }
}
