import { type Caller, type FuzzCase, send, toCurl, toWire } from './fuzz-request';
import { type FuzzRoute, routeLabel } from './openapi-routes';
import { differences, LONG_QUIET_MS, type Snapshot, type StateSnapshots } from './state-snapshot';

export interface FuzzFailure {
  route: string;
  label: string;
  problem: string;
  curl: string;
}

const ERROR_CODE = /^[A-Z][A-Z0-9_]*$/;

/**
 * Refusals of the request itself (malformed, unauthenticated, forbidden, too large, wrong media
 * type): these must write nothing at all. A well-formed request refused for a business reason (404
 * no such user, 409 no free device) may leave the record of that refusal, e.g. a `failed`
 * allocation, so only the shape oracle applies to it.
 */
const INPUT_REFUSALS = new Set([400, 401, 403, 413, 415, 422]);

/**
 * The least quiet window a route's writes are given: room for what a service does just after its
 * commit (device-service's hand-over pass starts 10 ms after it).
 */
const SHORT_QUIET_MS = 20;

/**
 * How long everything must stay quiet before a refusal whose diff touched only other services'
 * tables is sent again (see `run`): far past the time a consumer on a loaded machine takes.
 */
const REPEAT_QUIET_MS = 1_000;

/**
 * Sends fuzz cases one at a time and applies the oracles: never a 5xx or no answer; every 4xx is
 * the JSON error shape with a stable code; and a request refused as bad input leaves every table
 * and Redis key as it was. Anything else may write: the baseline moves to the settled state.
 */
export class FuzzRunner {
  casesRun = 0;
  /** Refusals that saw other services' tables or outbox marks change, then wrote nothing when sent again. */
  lateWrites = 0;
  readonly statuses = new Map<number, number>();
  private baseline: Snapshot | null = null;
  /**
   * How long each route's writes must stay quiet to count as settled. Most writes land before the
   * answer, and waiting LONG_QUIET_MS after each would be most of a run's time; so a route's first
   * write waits that long and shows what follows it (a debounced pass, a job), and later ones wait
   * twice the longest step between changes any of its writes showed (writes to an outbox always
   * wait the long window: see StateSnapshots.settled). Settling too soon can only fail a later
   * refusal with a write not its own, never hide a write.
   */
  private readonly quietWindows = new Map<string, number>();

  constructor(
    private readonly urls: Record<string, string>,
    private readonly snapshots: StateSnapshots,
    private readonly token: (caller: Caller) => string | undefined,
  ) {}

  /** Runs one case; returns the failure, or null when every oracle holds. */
  async run(fuzzCase: FuzzCase): Promise<FuzzFailure | null> {
    const baseUrl = this.urls[fuzzCase.route.service];
    const wire = toWire(fuzzCase, this.token);
    const fail = (problem: string): FuzzFailure => ({
      route: `${fuzzCase.route.service} ${routeLabel(fuzzCase.route)}`,
      label: fuzzCase.label,
      problem,
      curl: toCurl(baseUrl, wire),
    });
    this.baseline ??= (await this.snapshots.settled(null)).state;
    this.casesRun++;
    let response;
    try {
      response = await send(baseUrl, wire);
    } catch (error) {
      this.baseline = null;
      return fail(`no answer: ${(error as Error).message}`);
    }
    this.statuses.set(response.status, (this.statuses.get(response.status) ?? 0) + 1);
    if (response.status >= 500) {
      this.baseline = null;
      return fail(`answered ${response.status}: ${response.text.slice(0, 300)}`);
    }
    const shape = response.status >= 400 ? errorShapeProblem(response.contentType, response.text) : null;
    if (!INPUT_REFUSALS.has(response.status)) {
      this.baseline = await this.settle(fuzzCase.route, this.baseline);
      return shape ? fail(`answered ${response.status} ${shape}`) : null;
    }
    if (shape) return fail(`answered ${response.status} ${shape}`);
    const after = await this.snapshots.take();
    const changed = differences(this.baseline, after);
    if (changed.length === 0) return null;
    this.baseline = (await this.snapshots.settled(after)).state;
    if (changed.every((change) => isForeignTable(change, fuzzCase) || isDeliveryMark(change))) {
      // Only other services' tables moved, or outbox rows were marked (as many rows as before: the
      // relay sending or retrying an event). A refusal can reach other services only by an event
      // (which its own outbox would show as a new row) or a call, so this is most likely an earlier
      // request's event landing after its quiet window on a loaded machine. Everything settles, and
      // the refusal is sent again: a write of its own shows again.
      return this.repeatRefusal(fuzzCase, response.status, fail, changed);
    }
    return fail(`answered ${response.status} yet wrote: ${changed.slice(0, 5).join('; ')}`);
  }

  private async repeatRefusal(
    fuzzCase: FuzzCase,
    status: number,
    fail: (problem: string) => FuzzFailure,
    first: string[],
  ): Promise<FuzzFailure | null> {
    const settledBefore = (await this.snapshots.settled(this.baseline, REPEAT_QUIET_MS)).state;
    const baseUrl = this.urls[fuzzCase.route.service];
    const repeat = await send(baseUrl, toWire(fuzzCase, this.token)).catch(() => null);
    const again = differences(settledBefore, await this.snapshots.take());
    this.baseline = (await this.snapshots.settled(settledBefore)).state;
    if (repeat?.status === status && again.length === 0) {
      this.lateWrites++;
      return null;
    }
    const seen = again.length > 0 ? again : first;
    return fail(`answered ${status} yet wrote (sent twice): ${seen.slice(0, 5).join('; ')}`);
  }

  /** The state once a request of `route` that may have written has settled; learns its window. */
  private async settle(route: FuzzRoute, previous: Snapshot | null): Promise<Snapshot> {
    const key = `${route.service} ${routeLabel(route)}`;
    const learned = this.quietWindows.get(key);
    const { state, longestStepMs } = await this.snapshots.settled(previous, learned ?? LONG_QUIET_MS);
    if (longestStepMs !== null) {
      const shown = Math.min(LONG_QUIET_MS, Math.max(SHORT_QUIET_MS, 2 * longestStepMs));
      this.quietWindows.set(key, Math.max(learned ?? 0, shown));
    }
    return state;
  }
}

/** Whether a snapshot difference is an outbox whose rows changed but not in number (a delivery mark). */
function isDeliveryMark(change: string): boolean {
  const rows = / table outbox changed \(rows (\d+) → (\d+)\)$/.exec(change);
  return rows !== null && rows[1] === rows[2];
}

/** Whether a snapshot difference is a table of a service other than the one that answered. */
function isForeignTable(change: string, fuzzCase: FuzzCase): boolean {
  return change.includes(' table ') && !change.startsWith(`${fuzzCase.route.service} table `);
}

function errorShapeProblem(contentType: string, text: string): string | null {
  if (!contentType.includes('application/json'))
    return `with content-type "${contentType}": ${text.slice(0, 200)}`;
  let body: { code?: unknown; message?: unknown; requestId?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return `with a body that is not JSON: ${text.slice(0, 200)}`;
  }
  if (typeof body.code !== 'string' || !ERROR_CODE.test(body.code))
    return `without a stable code: ${text.slice(0, 200)}`;
  if (typeof body.message !== 'string') return `without a message: ${text.slice(0, 200)}`;
  if (typeof body.requestId !== 'string') return `without a requestId: ${text.slice(0, 200)}`;
  return null;
}
