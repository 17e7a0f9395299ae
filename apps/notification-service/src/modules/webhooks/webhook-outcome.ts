import { retryAfterMs } from '@cloudphone/shared';
import type { WebhookHttpAnswer } from '../../integrations/webhook-http';
import type { ChannelOutcome } from '../deliveries';

/** A receiver's Retry-After is honoured up to this; a later retry-failed-deliveries round comes anyway. */
export const WEBHOOK_RETRY_AFTER_CAP_MS = 10 * 60_000;

/** Statuses that say "later": the request timed out, too many requests, or the receiver is failing. */
const TRANSIENT_STATUSES = new Set([408, 429]);

/**
 * How one webhook attempt settles. 2xx: delivered. 408, 429, 5xx, a timeout or a connection error:
 * retried with backoff (at least the receiver's Retry-After, capped). A 3xx (redirects are not
 * followed: the URL needs fixing) or any other 4xx (the receiver refused this request, 410 Gone
 * included) and an address the SSRF guard refused: dead at once, replayable by an admin.
 */
export function webhookOutcome(answer: WebhookHttpAnswer, now: number = Date.now()): ChannelOutcome {
  switch (answer.kind) {
    case 'timeout':
      return {
        result: 'failed',
        code: 'WEBHOOK_TIMEOUT',
        error: 'the receiver did not answer in time',
        permanent: false,
      };
    case 'network':
      return {
        result: 'failed',
        code: 'WEBHOOK_UNREACHABLE',
        error: `connection failed: ${answer.code}`,
        permanent: false,
      };
    case 'refused-address':
      return {
        result: 'failed',
        code: 'WEBHOOK_ADDRESS_REFUSED',
        error: `the host resolves to a refused address: ${answer.reason}`,
        permanent: true,
      };
    case 'response':
      return responseOutcome(answer.status, answer.retryAfter, now);
  }
}

function responseOutcome(status: number, retryAfter: string | null, now: number): ChannelOutcome {
  if (status >= 200 && status <= 299) return { result: 'delivered' };
  const code = `WEBHOOK_HTTP_${status}`;
  if (status >= 300 && status <= 399) {
    return {
      result: 'failed',
      code,
      error: `the receiver answered ${status}; redirects are not followed`,
      permanent: true,
    };
  }
  if (status >= 400 && status <= 499 && !TRANSIENT_STATUSES.has(status)) {
    return {
      result: 'failed',
      code,
      error: `the receiver refused the request with ${status}`,
      permanent: true,
    };
  }
  const delay = retryAfterMs(retryAfter, WEBHOOK_RETRY_AFTER_CAP_MS, now);
  return {
    result: 'failed',
    code,
    error: `the receiver answered ${status}`,
    permanent: false,
    ...(delay === undefined ? {} : { retryAfterMs: delay }),
  };
}
