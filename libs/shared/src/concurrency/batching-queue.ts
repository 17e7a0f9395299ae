/** One item's outcome in a batch answer: its value, or why that item failed (the others go on). */
export type BatchItemOutcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

/** Sends one batch and answers one outcome per item, in order; a throw fails every item of it. */
export type BatchSender<I, R> = (items: I[]) => Promise<Array<BatchItemOutcome<R>>>;

interface WaitingItem<I, R> {
  item: I;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for calls: one batch is in flight at a time, and the calls that arrive meanwhile
 * leave together in the next one (up to `maxItems`; the rest in the one after). Under load, batches
 * grow with the answer time instead of costing one request each. Each caller gets its own item's
 * outcome.
 *
 * The first batch of a flight leaves one event-loop turn after its first call (setImmediate), with
 * every call made in that turn: the callers a batched answer or a burst of requests wakes together
 * then share it, where leaving at once sent the first alone and the others one flight later
 * (issue 11: 13 % fewer round trips and 10 % less CPU per allocate+release pair, side by side). A
 * lone call waits that one turn, microseconds when the process is idle.
 */
export class BatchingQueue<I, R> {
  private waiting: Array<WaitingItem<I, R>> = [];
  private flight: Promise<void> | null = null;

  constructor(
    private readonly send: BatchSender<I, R>,
    private readonly maxItems: number,
  ) {
    if (!Number.isInteger(maxItems) || maxItems < 1) throw new Error(`maxItems must be ≥ 1, got ${maxItems}`);
  }

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.flight ??= this.fly();
    });
  }

  /**
   * Several items that leave together, in the same batch as far as `maxItems` allows: each one's
   * outcome, in order; rejects with the first failure among them.
   */
  submitAll(items: readonly I[]): Promise<R[]> {
    const answers = items.map(
      (item) => new Promise<R>((resolve, reject) => this.waiting.push({ item, resolve, reject })),
    );
    if (answers.length > 0) this.flight ??= this.fly();
    return Promise.all(answers);
  }

  /** Resolves once nothing waits or flies (a shutdown waits for the calls it accepted). */
  async drained(): Promise<void> {
    while (this.flight) await this.flight;
  }

  private async fly(): Promise<void> {
    // `submit` stores this flight before the loop below can find the queue empty and clear it.
    await new Promise<void>((resolve) => setImmediate(resolve));
    for (;;) {
      const batch = this.waiting.splice(0, this.maxItems);
      if (batch.length === 0) {
        this.flight = null;
        return;
      }
      await this.sendBatch(batch);
    }
  }

  private async sendBatch(batch: Array<WaitingItem<I, R>>): Promise<void> {
    let outcomes: Array<BatchItemOutcome<R>>;
    try {
      outcomes = await this.send(batch.map((waiting) => waiting.item));
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
      return;
    }
    batch.forEach((waiting, index) => {
      const outcome = outcomes[index] as BatchItemOutcome<R> | undefined;
      if (!outcome) waiting.reject(new Error(`item ${index} is missing from the batch answer`));
      else if (outcome.ok) waiting.resolve(outcome.value);
      else waiting.reject(outcome.error);
    });
  }
}
