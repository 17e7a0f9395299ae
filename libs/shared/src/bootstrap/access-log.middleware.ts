import type { IncomingMessage, ServerResponse } from 'node:http';
import pinoHttp, { type HttpLogger } from 'pino-http';
import type { AppLogger } from '../logging/app-logger';
import { RequestContext } from '../logging/request-context';

const QUIET_PATHS = ['/health/live', '/health/ready', '/metrics'];

function pathOf(request: IncomingMessage): string {
  const url = request.url ?? '';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/**
 * One line per finished request through pino-http, with its field names (`req`, `res`,
 * `responseTime`, `err`), on the process's own logger (its buffering and redaction). Probes and
 * scrapes log at debug only. A 503 (an outage the client retries) is a warning, any other 5xx an
 * error: errors are what an operator must look at, and refusals (4xx) are routine. The URL is
 * logged without its query string, which may carry a one-time token; headers are not logged.
 *
 * pino-http directly rather than through nestjs-pino's LoggerModule: that module mounts it with
 * Nest's MiddlewareConsumer, which runs after the app-level middleware, so a body the JSON parser
 * refuses (400, 413, 415) would leave no line; and its Logger would stand beside AppLogger, whose
 * stdout writes are the buffered, pipe-atomic ones.
 */
export function createAccessLogMiddleware(logger: AppLogger): HttpLogger {
  return pinoHttp({
    logger: logger.pino,
    // The id requestIdMiddleware chose (or read from X-Request-Id), which every other line carries.
    genReqId: (request) => RequestContext.requestId() ?? String(request.headers['x-request-id'] ?? ''),
    customLogLevel: (request, response, error) => {
      if (QUIET_PATHS.includes(pathOf(request))) return 'debug';
      if (response.statusCode === 503) return 'warn';
      return response.statusCode >= 500 || error ? 'error' : 'info';
    },
    customSuccessMessage: () => 'request completed',
    // pino-http words a 5xx as an error; it is still one finished request (its level says how bad).
    customErrorMessage: (_request, response) =>
      response.writableFinished ? 'request completed' : 'request aborted',
    serializers: {
      req: (request: { id: unknown; method: string; raw: IncomingMessage }) => ({
        id: request.id,
        method: request.method,
        url: pathOf(request.raw),
      }),
      res: (response: { statusCode: number; raw: ServerResponse }) => ({ statusCode: response.statusCode }),
    },
    // The line's request id comes from the logger's own mixin; no child logger per request.
    quietReqLogger: true,
  });
}
