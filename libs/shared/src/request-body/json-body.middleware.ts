import type { RawBodyRequest } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { raw } from 'body-parser';
import type { AppError } from '../errors/app-error';
import { measureJson, type JsonShape } from './json-shape';
import { RequestBodyErrors } from './request-body.errors';

export interface JsonBodyOptions {
  /** Largest body accepted, after decompression (bytes-style string, e.g. `256kb`). */
  limit: string;
  /** Bounds on the parsed tree, checked before parsing. */
  shape: JsonShape;
}

export const JSON_BODY_DEFAULTS: JsonBodyOptions = { limit: '256kb', shape: { depth: 32, values: 10_000 } };

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)/i;

/**
 * Every service's body parser. It reads the raw body (inflating gzip, deflate or br, and counting
 * the limit after inflation), then accepts only JSON: UTF-8 that decodes strictly, nested at most
 * `shape.depth` deep with at most `shape.values` values, whose top level is an object or array.
 * Whatever it refuses becomes a JSON error through the global filter: 400 MALFORMED_BODY,
 * 413 PAYLOAD_TOO_LARGE or 415 UNSUPPORTED_MEDIA_TYPE. An empty body is no body, whatever its
 * content type, so `POST` actions without one keep working. The bytes as received (after
 * inflation) stay on `request.rawBody` (Nest's RawBodyRequest), for a route that must check a
 * signature over them (a payment provider's webhook): re-serialising the parsed JSON would not
 * give back the signed bytes.
 */
export function createJsonBodyMiddleware(options: JsonBodyOptions = JSON_BODY_DEFAULTS): RequestHandler {
  const readRaw = raw({ type: () => true, limit: options.limit, inflate: true });
  return (request: Request, response: Response, next: NextFunction) => {
    readRaw(request, response, (error?: unknown) => {
      if (error) return next(describeReadError(error, options.limit));
      const body: unknown = request.body;
      if (!Buffer.isBuffer(body) || body.length === 0) {
        request.body = undefined;
        return next();
      }
      try {
        (request as RawBodyRequest<Request>).rawBody = body;
        request.body = parseJsonBody(request, body, options.shape);
        next();
      } catch (refusal) {
        next(refusal);
      }
    });
  };
}

function parseJsonBody(request: Request, body: Buffer, shape: JsonShape): unknown {
  if (!request.is(['application/json', 'application/*+json']))
    throw RequestBodyErrors.unsupportedMediaType('Request body must be application/json');
  const charset = CHARSET.exec(request.headers['content-type'] ?? '')?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')
    throw RequestBodyErrors.unsupportedMediaType(`Unsupported charset "${charset.slice(0, 40)}": use utf-8`);
  let text: string;
  try {
    text = UTF8.decode(body);
  } catch {
    throw RequestBodyErrors.malformed('Request body is not valid UTF-8');
  }
  const measured = measureJson(text, shape);
  if (measured.depth > shape.depth)
    throw RequestBodyErrors.malformed(`JSON body is nested deeper than ${shape.depth} levels`);
  if (measured.values > shape.values)
    throw RequestBodyErrors.malformed(`JSON body holds more than ${shape.values} values`);
  const start = text.trimStart()[0];
  if (start !== '{' && start !== '[')
    throw RequestBodyErrors.malformed('JSON body must be an object or an array');
  try {
    return JSON.parse(text) as unknown;
  } catch (syntax) {
    throw RequestBodyErrors.malformed(`Malformed JSON body: ${(syntax as Error).message.slice(0, 200)}`);
  }
}

/** body-parser's errors carry an HTTP status (a broken gzip stream only a bare 400): keep the status, name the code. */
function describeReadError(error: unknown, limit: string): AppError {
  const status = (error as { status?: unknown }).status;
  if (status === 413) return RequestBodyErrors.tooLarge(limit);
  if (status === 415) return RequestBodyErrors.unsupportedMediaType((error as Error).message);
  return RequestBodyErrors.malformed(
    'Request body could not be read (truncated, or not in its Content-Encoding)',
  );
}
