import type { DependencyStatus, HealthIndicator, ReadinessReport } from './health-indicator';

interface Registered {
  indicator: HealthIndicator;
  required: boolean;
}

/**
 * Runs every registered dependency check in parallel, each bounded by a timeout. Only required
 * dependencies decide readiness: one pod's readiness is about whether *it* can serve, and a shared
 * dependency's blip failing every pod's probe at once would pull every replica out of its Service
 * (docs/deployment.md, "Readiness"). Turns not-ready as soon as shutdown begins, so load balancers
 * stop sending traffic before connections close.
 */
export class HealthService {
  private readonly registered: Registered[] = [];
  private draining = false;
  private readonly drainingListeners: Array<() => void> = [];

  constructor(private readonly timeoutMs: number) {}

  register(indicator: HealthIndicator, options: { required: boolean } = { required: true }): void {
    this.registered.push({ indicator, required: options.required });
  }

  markDraining(): void {
    if (this.draining) return;
    this.draining = true;
    for (const listener of this.drainingListeners) listener();
  }

  /** Calls `listener` once when shutdown begins, e.g. so schedulers stop starting work. */
  onDraining(listener: () => void): void {
    if (this.draining) listener();
    else this.drainingListeners.push(listener);
  }

  isDraining(): boolean {
    return this.draining;
  }

  /** Every dependency's state now, required or not (also what the dependency metric reports). */
  async dependencies(): Promise<Record<string, DependencyStatus>> {
    const results = await Promise.all(
      this.registered.map(
        async ({ indicator, required }) => [indicator.name, await this.probe(indicator, required)] as const,
      ),
    );
    return Object.fromEntries(results);
  }

  async readiness(): Promise<ReadinessReport> {
    const checks = await this.dependencies();
    if (this.draining)
      checks.shutdown = { status: 'down', required: true, latencyMs: 0, error: 'shutting down' };
    const failing = Object.entries(checks).filter(([, check]) => check.status === 'down');
    const down = failing.filter(([, check]) => check.required).map(([name]) => name);
    const degraded = failing.filter(([, check]) => !check.required).map(([name]) => name);
    const status = down.length > 0 ? 'down' : degraded.length > 0 ? 'degraded' : 'up';
    return { status, checks, down, degraded };
  }

  private async probe(indicator: HealthIndicator, required: boolean): Promise<DependencyStatus> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        indicator.check(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${this.timeoutMs} ms`)),
            this.timeoutMs,
          );
        }),
      ]);
      return { status: 'up', required, latencyMs: round(performance.now() - started) };
    } catch (error) {
      return {
        status: 'down',
        required,
        latencyMs: round(performance.now() - started),
        error: (error as Error).message,
      };
    } finally {
      clearTimeout(timer);
    }
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
