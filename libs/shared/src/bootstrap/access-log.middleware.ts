import type { NextFunction, Request, Response } from 'express';
import type { AppLogger } from '../logging/app-logger';

const QUIET_PATHS = ['/health/live', '/health/ready', '/metrics'];

/**
 * One structured line per finished request; probes and scrapes log at debug only. A 503 (an
 * outage the client retries) is a warning, any other 5xx an error: errors are what an operator
 * must look at, and refusals (4xx) are routine.
 */
export function createAccessLogMiddleware(logger: AppLogger) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const started = performance.now();
    response.once('finish', () => {
      const fields = {
        msg: 'request completed',
        method: request.method,
        path: request.path,
        statusCode: response.statusCode,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
      };
      if (QUIET_PATHS.includes(request.path)) logger.pino.debug(fields);
      else if (response.statusCode === 503) logger.pino.warn(fields);
      else if (response.statusCode >= 500) logger.pino.error(fields);
      else logger.pino.info(fields);
    });
    next();
  };
}
