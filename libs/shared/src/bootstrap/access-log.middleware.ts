import type { NextFunction, Request, Response } from 'express';
import type { AppLogger } from '../logging/app-logger';

const QUIET_PATHS = ['/health/live', '/health/ready', '/metrics'];

/** One structured line per finished request; probes and scrapes log at debug only. */
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
      else if (response.statusCode >= 500) logger.pino.error(fields);
      else logger.pino.info(fields);
    });
    next();
  };
}
