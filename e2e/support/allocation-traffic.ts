import { SERVICE_CATALOG, type AllocationResponse } from '@cloudphone/contracts';
import { randomUUID } from 'node:crypto';
import { Agent, fetch } from 'undici';
import { uniqueTestId } from '@cloudphone/shared/testing';
import type { ClusterPlatform } from './cluster-platform';

export interface Renter {
  id: string;
  token: string;
}

export interface AllocationTrafficReport {
  allocated: AllocationResponse[];
  released: AllocationResponse[];
  /** Answers that are neither a success nor an expected refusal (409 NO_DEVICE_AVAILABLE). */
  failures: Array<{
    at: number;
    path: string;
    requestId: string;
    status?: number;
    body?: string;
    error?: string;
  }>;
  /**
   * Requests whose connection closed before any answer and that were sent again, as a client
   * should: the same allocate with its Idempotency-Key, the same (repeatable) release. An idle
   * keep-alive connection closed by a stopping worker at the instant the client reuses it is a
   * race of HTTP/1.1 itself (RFC 9112 §9.3.1); what must hold is that the repeat is answered.
   * A repeat goes on a new connection: the pool's other idle connections may belong to the same
   * stopping worker, whose closes the client has not read yet (a CI run saw the one repeat meet
   * ECONNRESET that way). Up to `TRANSPORT_RETRIES` repeats, each listed here.
   */
  transportRetries: Array<{ at: number; path: string; requestId: string; cause: string; waitedMs: number }>;
}

/** Adds `count` available 4-core devices in `region` straight into device-service's database. */
export async function seedDevices(platform: ClusterPlatform, count: number, region: string): Promise<void> {
  await platform.query(
    SERVICE_CATALOG.device.name,
    `INSERT INTO devices (provider, provider_device_id, region, android_version, cpu_cores, memory_mb, storage_gb)
     SELECT 'simulated', $1 || '-' || n, $1, '13', 4, 8192, 64 FROM generate_series(1, $2) AS n`,
    [region, count],
  );
}

/** Creates users (tier pro: 10 devices) through user-service and credits their billing accounts. */
export async function createRenters(platform: ClusterPlatform, count: number): Promise<Renter[]> {
  const admin = platform.tokens.admin();
  return Promise.all(
    Array.from({ length: count }, async () => {
      const created = await post<{ id: string }>(platform.url(SERVICE_CATALOG.user.name, '/users'), admin, {
        email: `${uniqueTestId('renter')}@example.com`,
        password: 'a-long-enough-password',
        displayName: 'Cluster renter',
        tier: 'pro',
      });
      if (created.status !== 201) throw new Error(`creating a user answered ${created.status}`);
      const id = created.body.id;
      const topUp = await post(
        platform.url(SERVICE_CATALOG.billing.name, `/billing/accounts/${id}/top-up`),
        admin,
        {
          amountMinor: '100000000',
          reference: uniqueTestId('top-up'),
        },
      );
      if (topUp.status !== 200) throw new Error(`top-up answered ${topUp.status}`);
      return { id, token: platform.tokens.user({ userId: id }) };
    }),
  );
}

/**
 * Each renter loops allocate → release against device-service's cluster port (PM2 spreads the
 * connections over the workers) until `stop()`, recording every allocation and release.
 */
export class AllocationTraffic {
  private running = true;
  private readonly report: AllocationTrafficReport = {
    allocated: [],
    released: [],
    failures: [],
    transportRetries: [],
  };
  private readonly loops: Promise<void>[];

  constructor(
    private readonly baseUrl: string,
    renters: Renter[],
    private readonly region: string,
  ) {
    this.loops = renters.map((renter) => this.loop(renter));
  }

  snapshot(): AllocationTrafficReport {
    return {
      allocated: [...this.report.allocated],
      released: [...this.report.released],
      failures: [...this.report.failures],
      transportRetries: [...this.report.transportRetries],
    };
  }

  async stop(): Promise<AllocationTrafficReport> {
    this.running = false;
    await Promise.all(this.loops);
    return this.snapshot();
  }

  private async loop(renter: Renter): Promise<void> {
    while (this.running) {
      const allocated = await this.call(renter, '/scheduler/devices/allocate', {
        durationMinutes: 30,
        requirements: { region: this.region },
      });
      if (!allocated) continue;
      this.report.allocated.push(allocated);
      // A release is never abandoned half way: even after stop() it is sent until it is answered.
      for (;;) {
        const released = await this.call(renter, '/scheduler/devices/release', {
          allocationId: allocated.id,
        });
        if (released) {
          this.report.released.push(released);
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  private async call(renter: Renter, path: string, body: unknown): Promise<AllocationResponse | null> {
    const idempotencyKey = uniqueTestId('allocate');
    // Each send has its own request id, so a failure can be matched with what the workers logged.
    let requestId = randomUUID();
    const send = (connection?: Agent) =>
      post<AllocationResponse & { code?: string }>(
        `${this.baseUrl}${path}`,
        renter.token,
        body,
        { 'idempotency-key': idempotencyKey, 'x-request-id': requestId },
        connection,
      ).finally(() => connection?.destroy());
    const sentAt = Date.now();
    try {
      let answer: Awaited<ReturnType<typeof send>> | undefined;
      for (let attempt = 0; !answer; attempt += 1) {
        answer = await send(attempt === 0 ? undefined : new Agent({ pipelining: 0 })).catch(
          (error: Error) => {
            if (attempt >= TRANSPORT_RETRIES) throw error;
            this.report.transportRetries.push({
              at: Date.now(),
              path,
              requestId,
              cause: describeTransportError(error),
              waitedMs: Date.now() - sentAt,
            });
            requestId = randomUUID();
            return undefined;
          },
        );
      }
      if (answer.status === 200 || answer.status === 201) return answer.body;
      if (answer.status !== 409 || answer.body.code !== 'NO_DEVICE_AVAILABLE') {
        this.report.failures.push({
          at: Date.now(),
          path,
          requestId,
          status: answer.status,
          body: JSON.stringify(answer.body),
        });
      }
    } catch (error) {
      this.report.failures.push({
        at: Date.now(),
        path,
        requestId,
        error: describeTransportError(error as Error),
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    return null;
  }
}

const TRANSPORT_RETRIES = 3;

/** fetch's "fetch failed" with its cause (e.g. UND_ERR_SOCKET other side closed). */
function describeTransportError(error: Error): string {
  const cause = error.cause as { code?: string; message?: string } | undefined;
  return cause ? `${error.message}: ${cause.code ?? ''} ${cause.message ?? ''}`.trim() : error.message;
}

async function post<T = Record<string, unknown>>(
  url: string,
  token: string,
  body: unknown,
  headers: Record<string, string> = {},
  dispatcher?: Agent,
): Promise<{ status: number; body: T }> {
  const response = await fetch(url, {
    dispatcher,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
}
