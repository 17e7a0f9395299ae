/**
 * Runs `pass` (one transaction over up to `batchSize` rows, answering how many it handled) until a
 * pass handles fewer than `batchSize` — nothing left — or `signal` is aborted; answers the total.
 * The first pass always runs.
 */
export async function inBatches(
  pass: () => Promise<number>,
  batchSize: number,
  signal: AbortSignal,
): Promise<number> {
  let total = 0;
  for (;;) {
    const handled = await pass();
    total += handled;
    if (handled < batchSize || signal.aborted) return total;
  }
}
