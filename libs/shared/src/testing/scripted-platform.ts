import { randomUUID } from 'node:crypto';
import type { AllocationResponse } from '@cloudphone/contracts';
import { type RecordedRequest, ScriptedHttpServer } from './scripted-http-server';

/** What the scripted device-service knows: allocation id → its owner and status. */
export type KnownAllocations = Map<string, Pick<AllocationResponse, 'userId' | 'status'>>;

/** A charge billing-service was asked for. */
export interface ReceivedCharge {
  reference: string;
  amountMinor: string;
  userId: string;
  source: string;
}

/**
 * device-service, user-service and billing-service as real HTTP servers on loopback, answering
 * the calls a renting service (proxies, numbers) makes as the real ones would, from state the test
 * changes: allocations (by id, with owner and status), users that are gone, and every charge
 * recorded.
 */
export class ScriptedPlatform {
  readonly allocations: KnownAllocations = new Map();
  readonly goneUsers = new Set<string>();

  private constructor(
    readonly deviceService: ScriptedHttpServer,
    readonly userService: ScriptedHttpServer,
    readonly billingService: ScriptedHttpServer,
  ) {}

  static async start(): Promise<ScriptedPlatform> {
    const [device, user, billing] = await Promise.all([
      ScriptedHttpServer.start(() => ({ status: 503 })),
      ScriptedHttpServer.start(() => ({ status: 503 })),
      ScriptedHttpServer.start(answerBilling),
    ]);
    const platform = new ScriptedPlatform(device, user, billing);
    device.script((recorded) => platform.answerDevice(recorded));
    user.script((recorded) => platform.answerUser(recorded));
    return platform;
  }

  /** The *_SERVICE_URL variables pointing at the three servers. */
  get environment(): Record<string, string> {
    return {
      DEVICE_SERVICE_URL: this.deviceService.url,
      USER_SERVICE_URL: this.userService.url,
      BILLING_SERVICE_URL: this.billingService.url,
    };
  }

  /** Runs `work` while device-service drops every connection, then lets it answer again. */
  async whileDeviceServiceDown<T>(work: () => Promise<T>): Promise<T> {
    this.deviceService.script(() => ({ destroy: true }));
    try {
      return await work();
    } finally {
      this.deviceService.script((recorded) => this.answerDevice(recorded));
    }
  }

  /** Every charge billing-service was sent, single or in batches, in order. */
  chargesReceived(): ReceivedCharge[] {
    return this.billingService.requests.flatMap((recorded) => {
      const body = JSON.parse(recorded.body || '{}') as { items?: ReceivedCharge[] };
      return body.items ?? [body as ReceivedCharge];
    });
  }

  async close(): Promise<void> {
    await Promise.all([this.deviceService.close(), this.userService.close(), this.billingService.close()]);
  }

  /** GET scheduler/allocations/:id and POST scheduler/allocations/batch/query. */
  private answerDevice(recorded: RecordedRequest) {
    if (recorded.method === 'GET') {
      const id = recorded.url.split('/').pop() ?? '';
      const known = this.allocations.get(id);
      return known
        ? { status: 200, body: { id, ...known } }
        : { status: 404, body: { code: 'ALLOCATION_NOT_FOUND', message: 'no such allocation' } };
    }
    const { userIds } = JSON.parse(recorded.body) as { userIds: string[] };
    const live = (userId: string) =>
      [...this.allocations]
        .filter(([, allocation]) => allocation.userId === userId && allocation.status === 'active')
        .map(([id, allocation]) => ({ id, ...allocation }));
    return { status: 200, body: { users: userIds.map((userId) => ({ userId, allocations: live(userId) })) } };
  }

  /** GET users/:id: active unless the test made the user gone. */
  private answerUser(recorded: RecordedRequest) {
    const id = recorded.url.split('/').pop() ?? '';
    return this.goneUsers.has(id)
      ? { status: 404, body: { code: 'USER_NOT_FOUND', message: 'no such user' } }
      : {
          status: 200,
          body: { id, email: `${id}@example.test`, status: 'active', roles: ['user'], tier: 'standard' },
        };
  }
}

/** billing-service's charge endpoints, answering every charge as recorded. */
function answerBilling(recorded: RecordedRequest) {
  const body = JSON.parse(recorded.body || '{}') as { items?: ReceivedCharge[] } & ReceivedCharge;
  const charged = (item: ReceivedCharge) => ({
    chargeId: randomUUID(),
    reference: item.reference,
    amountMinor: item.amountMinor,
    balanceMinor: '0',
    currency: 'USD',
    recordedAt: new Date().toISOString(),
    duplicate: false,
  });
  if (body.items) {
    return {
      status: 200,
      body: {
        results: body.items.map((item) => ({ reference: item.reference, ok: true, charge: charged(item) })),
      },
    };
  }
  return { status: 200, body: charged(body) };
}
