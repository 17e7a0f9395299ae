import type { NextFunction, Request, Response } from 'express';
import type { MetricsService } from './metrics.service';

/**
 * Records every HTTP request's duration by method, route template and status. The route is the
 * template Express matched (`/devices/:id`), never the raw path, so label cardinality stays bounded.
 */
export function createHttpMetricsMiddleware(metrics: MetricsService) {
  const duration = metrics.histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });
  return (request: Request, response: Response, next: NextFunction): void => {
    const end = duration.startTimer();
    response.once('finish', () => {
      const template = request.route?.path as string | undefined;
      const route = template ? `${request.baseUrl}${template}` : 'unmatched';
      end({ method: request.method, route, status_code: String(response.statusCode) });
    });
    next();
  };
}
