import type { ChannelOutcome } from './delivery-channel';

/** What one attempt makes of a pending delivery. */
export type DeliverySettlement =
  | { status: 'delivered' }
  /** Try again in this round, after the outbox backoff (at least `retryAfterMs`). */
  | { status: 'pending'; error: string; retryAfterMs?: number }
  /** The round's attempts ran out: retry-failed-deliveries starts another round later. */
  | { status: 'failed'; error: string }
  /** Never retried automatically: the receiver refused for good, or there was nothing to send to. */
  | { status: 'dead'; error: string };

/**
 * Settles an attempt: delivered; skipped or refused for good → dead; a transient failure → retried
 * in this round until `maxAttempts` attempts were made, then failed. `attemptsBefore` counts the
 * round's earlier attempts.
 */
export function settleAttempt(
  outcome: ChannelOutcome,
  attemptsBefore: number,
  maxAttempts: number,
): DeliverySettlement {
  if (outcome.result === 'delivered') return { status: 'delivered' };
  if (outcome.result === 'skipped') return { status: 'dead', error: `skipped: ${outcome.reason}` };
  const error = `${outcome.code}: ${outcome.error}`;
  if (outcome.permanent) return { status: 'dead', error };
  if (attemptsBefore + 1 >= maxAttempts) return { status: 'failed', error };
  return { status: 'pending', error, retryAfterMs: outcome.retryAfterMs };
}
