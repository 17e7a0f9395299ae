export { createHttpMetricsMiddleware } from './http-metrics.middleware';
export { MetricsService } from './metrics.service';
