import { parseRetryAfterMs } from './backoff';

/**
 * Helpers for drivers that call a third-party vendor's API with the global fetch (not HttpClient,
 * which is for our own services): reading its answer within a bound, its JSON, its Retry-After and
 * why it could not be reached. Each driver turns these into its own error type.
 */

/**
 * The body of `response` as UTF-8 text, or null when it is longer than `maxBytes` (as announced by
 * Content-Length or as actually sent): a broken or hostile vendor must not make us buffer without
 * end. A body refused is cancelled, so its connection is not left streaming to nobody.
 */
export async function readBoundedText(response: Response, maxBytes: number): Promise<string | null> {
  if (Number(response.headers.get('content-length')) > maxBytes) {
    await response.body?.cancel();
    return null;
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  // Leaving the loop early (the return below) cancels the stream through its iterator's return().
  for await (const chunk of response.body ?? []) {
    total += chunk.length;
    if (total > maxBytes) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The JSON in `text`, or undefined when it is none. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Retry-After as delay-seconds or an HTTP date (RFC 9110 §10.2.3), in ms and at most `maxMs` (a
 * caller should look again by then whatever the vendor said); undefined when absent or unreadable.
 */
export function retryAfterMs(
  value: string | null,
  maxMs: number,
  now: number = Date.now(),
): number | undefined {
  const ms = parseRetryAfterMs(value, now);
  return ms === undefined ? undefined : Math.min(maxMs, ms);
}

/** The system error code under fetch's "fetch failed", e.g. ECONNREFUSED; 'network error' without one. */
export function networkCode(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  return typeof cause?.code === 'string' ? cause.code : 'network error';
}
