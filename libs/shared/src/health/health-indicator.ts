/** One dependency the readiness check probes; `check` rejects when the dependency is unusable. */
export interface HealthIndicator {
  readonly name: string;
  check(): Promise<void>;
}

export interface DependencyStatus {
  status: 'up' | 'down';
  latencyMs: number;
  error?: string;
}

export interface ReadinessReport {
  status: 'up' | 'down';
  checks: Record<string, DependencyStatus>;
  down: string[];
}
