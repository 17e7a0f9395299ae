interface Runs {
  running: Promise<void>;
  next: Promise<void> | null;
  /** Whether the action has begun: until then a new caller is covered by this run. */
  started: boolean;
}

/**
 * Runs of one idempotent action per id ("drop this cache tag everywhere"), at most one in flight.
 * A caller arriving while one runs cannot count on it (it may have started before the caller's
 * change), so it waits for one more run that starts after it; everyone arriving meanwhile shares
 * that run. Under a burst, N callers cost two runs instead of N, and each caller still returns only
 * after a run that started after its call has finished. A run begins one event-loop turn after the
 * call that asked for it, so the callers of that turn (concurrent requests' changes committed
 * together) share it instead of the first running alone and the others one run later.
 */
export class CoalescedRuns {
  private readonly runs = new Map<string, Runs>();

  run(id: string, action: () => Promise<void>): Promise<void> {
    const current = this.runs.get(id);
    if (!current) return this.start(id, action);
    if (!current.started) return current.running;
    // After the run in flight however it ended: a failed run covered nobody.
    current.next ??= current.running.catch(() => undefined).then(() => this.start(id, action));
    return current.next;
  }

  private start(id: string, action: () => Promise<void>): Promise<void> {
    const runs: Runs = { running: Promise.resolve(), next: null, started: false };
    runs.running = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => {
        runs.started = true;
        return action();
      })
      .finally(() => {
        if (this.runs.get(id) === runs) this.runs.delete(id);
      });
    this.runs.set(id, runs);
    return runs.running;
  }
}
