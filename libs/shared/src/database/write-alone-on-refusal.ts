import type { BatchItemOutcome, BatchSender } from '../concurrency';
import { isDatabaseUnavailable } from './database-outage';

/**
 * A `BatchingQueue` sender for a set statement that one bad item can make the database refuse as a
 * whole (a constraint, a value past a column's type, a deadlock): the batch in one call, and when
 * the database refuses it, each item alone, one after another, so the refusal fails only the item
 * that caused it and the others are written. An outage fails the batch (or what is left of it) at
 * once: every item would only wait on it again. `write` answers one result per item, in order (or
 * nothing, for writes that answer nothing).
 */
export function writeAloneOnRefusal<I, R = void>(
  write: (items: I[]) => Promise<R[] | void>,
): BatchSender<I, R> {
  const written = (items: I[], results: R[] | void): Array<BatchItemOutcome<R>> =>
    items.map((_, index) => ({ ok: true, value: results ? results[index] : (undefined as R) }));
  return async (items) => {
    try {
      return written(items, await write(items));
    } catch (error) {
      if (items.length === 1 || isDatabaseUnavailable(error)) throw error;
      const outcomes: Array<BatchItemOutcome<R>> = [];
      let outage: unknown;
      for (const item of items) {
        if (outage !== undefined) {
          outcomes.push({ ok: false, error: outage });
          continue;
        }
        try {
          outcomes.push(...written([item], await write([item])));
        } catch (itemError) {
          if (isDatabaseUnavailable(itemError)) outage = itemError;
          outcomes.push({ ok: false, error: itemError });
        }
      }
      return outcomes;
    }
  };
}
