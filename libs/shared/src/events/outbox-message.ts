import { createHash } from 'node:crypto';
import type { DeliveryOutcome } from '../http/service-client';

/** A destination's name, as the outbox's CHECK constraint allows it (`events` is RabbitMQ's). */
export const OUTBOX_DESTINATION_NAME = /^[a-z][a-z0-9-]{0,62}$/;

/**
 * A message for a destination other than RabbitMQ (an HTTP target such as billing-service), kept in
 * the outbox until its destination has answered for good. `id` makes the store idempotent: a
 * message stored twice with the same id is kept once.
 */
export interface NewOutboxMessage {
  /** A registered OutboxDestination's name, e.g. `billing-service`. */
  destination: string;
  /** `<subject>.<kind>`, e.g. `report.billing_usage`; a destination may carry several kinds. */
  type: string;
  /** What the message is about (an allocation id, say): shown in logs and the admin view. */
  key: string;
  /** A uuid; see outboxMessageId for one derived from what makes the message unique. */
  id: string;
  data: unknown;
}

/** A stored message, claimed for one delivery attempt. */
export interface OutboxMessage extends NewOutboxMessage {
  /** The outbox row id (a bigint as decimal text). */
  rowId: string;
  /** Attempts made before this one. */
  attempts: number;
}

/** How a destination answered one message; a delivered one carries the target's answer to it. */
export type DeliveryVerdict =
  | { result: 'delivered'; answer?: unknown }
  | { result: 'rejected'; error: string }
  | { result: 'deferred'; error: string; retryAfterMs?: number };

/** How many messages of a delivery ended each way. */
export type DeliverySummary = Record<DeliveryVerdict['result'], number>;

/**
 * One destination of outbox messages. `deliver` answers every message, in order: delivered (settled
 * as sent), rejected (settled as refused for good, logged as an error), or deferred (retried with
 * the outbox backoff). A message may be delivered more than once (a crash between sending and
 * settling), so a destination's target must deduplicate by what the message carries.
 */
export interface OutboxDestination {
  readonly name: string;
  deliver(messages: OutboxMessage[]): Promise<DeliveryVerdict[]>;
  /**
   * Settles delivered messages itself, in a statement that also stores what their answers said; it
   * must mark each sent (`outboxMessagesSettleSql`). Without it they are marked sent. If it throws,
   * they stay pending and are sent again, so the target answers again.
   */
  settleDelivered?(delivered: DeliveredMessage[]): Promise<void>;
}

/** A message its destination took, with the target's answer to it (what `deliver` returned). */
export interface DeliveredMessage {
  message: OutboxMessage;
  answer: unknown;
}

/**
 * A stable uuid for the message made unique by `parts` (e.g. an allocation id and a report kind),
 * so storing it twice keeps one. The same as `md5(parts joined by ':')::uuid` in SQL; parts must not
 * contain ':' (ids and kinds do not), or two different lists could join to the same text.
 */
export function outboxMessageId(...parts: string[]): string {
  const hex = createHash('md5').update(parts.join(':')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A lenient HTTP call's outcome (ServiceClient) as the verdict an HTTP destination answers. */
export function deliveryVerdictOf(outcome: DeliveryOutcome<unknown>): DeliveryVerdict {
  if (outcome.status === 'delivered') return { result: 'delivered', answer: outcome.response };
  if (outcome.status === 'rejected') return { result: 'rejected', error: outcome.failure.message };
  return { result: 'deferred', error: outcome.failure.message, retryAfterMs: outcome.retryAfterMs };
}

/** A lenient client call as a verdict: its outcome mapped by deliveryVerdictOf; a throw defers. */
export async function verdictOfCall(call: () => Promise<DeliveryOutcome<unknown>>): Promise<DeliveryVerdict> {
  try {
    return deliveryVerdictOf(await call());
  } catch (error) {
    return { result: 'deferred', error: (error as Error)?.message ?? String(error) };
  }
}

/**
 * Answers `messages` a slice of `size` at a time, slice after slice, in order: for a target's batch
 * size or the number of calls a destination makes at once.
 */
export async function deliverInSlices(
  messages: OutboxMessage[],
  size: number,
  deliverSlice: (slice: OutboxMessage[]) => Promise<DeliveryVerdict[]>,
): Promise<DeliveryVerdict[]> {
  const verdicts: DeliveryVerdict[] = [];
  for (let index = 0; index < messages.length; index += size) {
    verdicts.push(...(await deliverSlice(messages.slice(index, index + size))));
  }
  return verdicts;
}

/** One item of a batch endpoint's answer, as a destination reads it: whose it is, whether it was taken. */
export interface BatchItemAnswer {
  /** The id the item answers for (checked against the message's, item by item). */
  id: string;
  taken: boolean;
  errorCode?: string;
  errorMessage?: string;
}

/**
 * An item of the allocation-keyed batch endpoints (`POST /billing/usage/batch`, `POST
 * /quotas/restore/batch`): `failed`, or any status that means the item was taken.
 */
export function allocationItemAnswer(item: {
  allocationId: string;
  status: string;
  errorCode?: string;
  errorMessage?: string;
}): BatchItemAnswer {
  return {
    id: item.allocationId,
    taken: item.status !== 'failed',
    errorCode: item.errorCode,
    errorMessage: item.errorMessage,
  };
}

/** How a destination sends one batch call, reads its answer, and sends a message alone. */
export interface BatchCall<A> {
  /** The id a message's item carries (checked against its answer's, item by item). */
  idOf: (message: OutboxMessage) => string;
  send: (batch: OutboxMessage[]) => Promise<DeliveryOutcome<{ results: A[] }>>;
  answerOf: (item: A) => BatchItemAnswer;
  sendOne: (message: OutboxMessage) => Promise<DeliveryVerdict>;
  /** Error codes of failed items no resend can fix: those are rejected, the others deferred. */
  permanentErrors: ReadonlySet<string>;
}

/**
 * Delivers `batch` in one batch call (a single message alone). A batch refused whole (one malformed
 * item) is sent again message by message, so the others still get through; a batch the target
 * cannot take now is deferred whole; otherwise each message gets its item's verdict, and an answer
 * out of step with the request (another id) is never taken as delivered.
 */
export async function deliverAsBatch<A>(
  batch: OutboxMessage[],
  call: BatchCall<A>,
): Promise<DeliveryVerdict[]> {
  if (batch.length === 1) return [await call.sendOne(batch[0])];
  const outcome = await call.send(batch);
  if (outcome.status === 'rejected') return Promise.all(batch.map((message) => call.sendOne(message)));
  if (outcome.status !== 'delivered') return batch.map(() => deliveryVerdictOf(outcome));
  return batch.map((message, index): DeliveryVerdict => {
    const answer = outcome.response.results[index];
    const item = answer === undefined ? undefined : call.answerOf(answer);
    if (item && item.id === call.idOf(message) && item.taken) return { result: 'delivered', answer };
    const error = item ? `${item.errorCode}: ${item.errorMessage}` : 'missing from the batch answer';
    const permanent = item?.errorCode !== undefined && call.permanentErrors.has(item.errorCode);
    return { result: permanent ? 'rejected' : 'deferred', error };
  });
}
