import { BatchingQueue } from '../concurrency/batching-queue';
import { inTransaction } from './transaction-context';
import { writeAloneOnRefusal } from './write-alone-on-refusal';

export interface SharedStatementOptions {
  /** Items one statement writes at most (default 100, more than a consumer's prefetch). */
  maxItems?: number;
  /** Told the size of each batch written (a histogram of items per statement). */
  onBatch?: (items: number) => void;
}

/**
 * A write that callers running at the same time share: one set statement per batch (the calls that
 * arrive while one is in flight leave together in the next, `BatchingQueue`), a batch the database
 * refuses as a whole written again item by item so only the refused call fails
 * (`writeAloneOnRefusal`). A call made inside a transaction is written alone in that transaction: a
 * batch runs in its first caller's async context, which would tie the others' writes to that
 * caller's commit. `write` answers one result per item, in order (or nothing).
 */
export class SharedStatement<I, R = void> {
  private readonly queue: BatchingQueue<I, R>;

  constructor(
    private readonly write: (items: I[]) => Promise<R[] | void>,
    options: SharedStatementOptions = {},
  ) {
    this.queue = new BatchingQueue<I, R>(
      writeAloneOnRefusal((items: I[]) => {
        options.onBatch?.(items.length);
        return write(items);
      }),
      options.maxItems ?? 100,
    );
  }

  async run(item: I): Promise<R> {
    if (!inTransaction()) return this.queue.submit(item);
    const results = await this.write([item]);
    return results ? results[0] : (undefined as R);
  }
}
