import type { DependencyStatus, HealthIndicator, ReadinessReport } from './health-indicator';

/**
 * Runs every registered dependency check in parallel, each bounded by a timeout. Turns not-ready
 * as soon as shutdown begins, so load balancers stop sending traffic before connections close.
 */
export class HealthService {
  private readonly indicators: HealthIndicator[] = [];
  private draining = false;
  private readonly drainingListeners: Array<() => void> = [];

  constructor(private readonly timeoutMs: number) {}

  register(indicator: HealthIndicator): void {
    this.indicators.push(indicator);
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

  async readiness(): Promise<ReadinessReport> {
    const results = await Promise.all(
      this.indicators.map(async (indicator) => [indicator.name, await this.probe(indicator)] as const),
    );
    const checks: Record<string, DependencyStatus> = Object.fromEntries(results);
    if (this.draining) checks.shutdown = { status: 'down', latencyMs: 0, error: 'shutting down' };
    const down = Object.entries(checks)
      .filter(([, check]) => check.status === 'down')
      .map(([name]) => name);
    return { status: down.length === 0 ? 'up' : 'down', checks, down };
  }

  private async probe(indicator: HealthIndicator): Promise<DependencyStatus> {
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
      return { status: 'up', latencyMs: round(performance.now() - started) };
    } catch (error) {
      return {
        status: 'down',
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
