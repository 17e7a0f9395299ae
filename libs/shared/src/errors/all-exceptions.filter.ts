import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
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

/** The one place that turns any thrown value into `{code, message, details?, requestId}`. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const { status, body, headers } = this.describe(exception);
    body.requestId = RequestContext.requestId();
    if (status >= 500) this.logger.error({ msg: body.message, code: body.code, err: exception });
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
    if (isBodyParserError(exception)) {
      return {
        status: exception.status,
        body: {
          code: HTTP_STATUS_CODES[exception.status] ?? 'VALIDATION_FAILED',
          message: exception.status === 400 ? 'Malformed JSON body' : exception.message,
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

function isBodyParserError(value: unknown): value is { status: number; message: string; type: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { status?: unknown }).status === 'number' &&
    typeof (value as { type?: unknown }).type === 'string'
  );
}
