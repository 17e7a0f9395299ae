/** One dependency the readiness check probes; `check` rejects when the dependency is unusable. */
export interface HealthIndicator {
  readonly name: string;
  check(): Promise<void>;
}

/**
 * `required`: the process cannot serve without it, so readiness fails when it is down. The others
 * are reported as degraded: the process still serves, with the fallback its design gives (the
 * cache's process tier, the outbox's buffer, the rate limits' per-route policy).
 */
export interface DependencyStatus {
  status: 'up' | 'down';
  required: boolean;
  latencyMs: number;
  error?: string;
}

/** `degraded`: every required dependency is up, and some optional one is not; still ready. */
export interface ReadinessReport {
  status: 'up' | 'degraded' | 'down';
  checks: Record<string, DependencyStatus>;
  /** Required dependencies that are down (and `shutdown` while draining). */
  down: string[];
  /** Optional dependencies that are down. */
  degraded: string[];
}
