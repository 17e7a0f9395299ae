import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Inject,
  Logger,
  Optional,
} from '@nestjs/common';
import type { Response } from 'express';
import { RequestContext } from '../logging/request-context';
import { AppError, type ErrorDetails } from './app-error';
import { HTTP_STATUS_CODES } from './http-exception-codes';

interface ErrorBody {
  code: string;
  message: string;
  details?: ErrorDetails;
  requestId?: string;
}

/**
 * Turns an error of a lower layer that means "a dependency is out" (the database, say) into the
 * AppError to answer, or null when it is no such error.
 */
export type OutageTranslator = (exception: unknown) => AppError | null;

/** The provider token of an app's OutageTranslator. */
export const OUTAGE_TRANSLATOR = Symbol('OUTAGE_TRANSLATOR');

/**
 * The one place that turns any thrown value into `{code, message, details?, requestId}`. A 503 is
 * logged as a warning: it is an outage the client should retry, and the dependency's own health
 * and alerts say so once rather than once per request; any other 5xx is a defect, logged as an
 * error. Refusals (4xx) are the client's business and not logged here.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ExceptionFilter');

  constructor(
    // Optional: an app that mounts the filter with `useClass` (a test's callee) translates no outages.
    @Optional() @Inject(OUTAGE_TRANSLATOR) private readonly outage: OutageTranslator = () => null,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const { status, body, headers } = this.describe(this.outage(exception) ?? exception);
    body.requestId = RequestContext.requestId();
    if (status === 503) this.logger.warn({ msg: body.message, code: body.code, err: exception });
    else if (status >= 500) this.logger.error({ msg: body.message, code: body.code, err: exception });
    if (response.headersSent) return;
    for (const [name, value] of Object.entries(headers ?? {})) response.setHeader(name, value);
    response.status(status).json(body);
  }

  private describe(exception: unknown): {
    status: number;
    body: ErrorBody;
    headers?: Record<string, string>;
  } {
    if (exception instanceof AppError) {
      return {
        status: exception.httpStatus,
        body: { code: exception.code, message: exception.message, details: exception.details },
        headers: exception.headers,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return {
        status,
        body: { code: HTTP_STATUS_CODES[status] ?? `HTTP_${status}`, message: this.httpMessage(exception) },
      };
    }
    if (isClientHttpError(exception)) {
      const status = exception.status;
      return {
        status,
        body: {
          code: HTTP_STATUS_CODES[status] ?? `HTTP_${status}`,
          message: exception.message.slice(0, 200),
        },
      };
    }
    return { status: 500, body: { code: 'INTERNAL_ERROR', message: 'Internal server error' } };
  }

  private httpMessage(exception: HttpException): string {
    const response = exception.getResponse();
    if (typeof response === 'string') return response;
    const message = (response as { message?: unknown }).message;
    if (Array.isArray(message)) return message.join('; ');
    return typeof message === 'string' ? message : exception.message;
  }
}

/**
 * An http-errors style error that Express or its router raised before any handler ran (a path
 * segment that is not valid percent-encoding, say): a 4xx it already chose, with a message meant
 * for the client (`expose`).
 */
function isClientHttpError(value: unknown): value is { status: number; message: string } {
  if (!(value instanceof Error)) return false;
  const { status, expose } = value as { status?: unknown; expose?: unknown };
  return typeof status === 'number' && status >= 400 && status < 500 && expose === true;
}
