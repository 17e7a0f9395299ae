export type { DependencyStatus, HealthIndicator, ReadinessReport } from './health-indicator';
export { HealthService } from './health.service';
