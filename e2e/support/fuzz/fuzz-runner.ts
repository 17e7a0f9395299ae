import { type Caller, type FuzzCase, send, toCurl, toWire } from './fuzz-request';
import { routeLabel } from './openapi-routes';
import { differences, type Snapshot, type StateSnapshots } from './state-snapshot';

export interface FuzzFailure {
  route: string;
  label: string;
  problem: string;
  curl: string;
}

const ERROR_CODE = /^[A-Z][A-Z0-9_]*$/;

/**
 * Sends fuzz cases one at a time and applies the oracles: never a 5xx or no answer; every 4xx is
 * the JSON error shape with a stable code; and a refused request leaves every table and Redis key
 * as it was. A 2xx may write: the baseline moves to the settled state after it.
 */
export class FuzzRunner {
  casesRun = 0;
  readonly statuses = new Map<number, number>();
  private baseline: Snapshot | null = null;

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
    this.baseline ??= await this.snapshots.settled();
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
    if (response.status < 400) {
      this.baseline = await this.snapshots.settled();
      return null;
    }
    const shape = errorShapeProblem(response.contentType, response.text);
    if (shape) return fail(`answered ${response.status} ${shape}`);
    const after = await this.snapshots.take();
    const changed = differences(this.baseline, after);
    if (changed.length > 0) {
      this.baseline = await this.snapshots.settled();
      return fail(`answered ${response.status} yet wrote: ${changed.slice(0, 5).join('; ')}`);
    }
    return null;
  }
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
