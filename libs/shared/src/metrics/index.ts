export { createHttpMetricsMiddleware } from './http-metrics.middleware';
export { MetricsController } from './metrics.controller';
export { MetricsService } from './metrics.service';
