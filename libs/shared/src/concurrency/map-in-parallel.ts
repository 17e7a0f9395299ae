/**
 * Runs `work` over `items` with at most `limit` calls in flight, answering the results in the
 * order of `items` (not of completion). A rejection rejects the whole map, as Promise.all does;
 * callers that want a result per item catch inside `work`.
 */
export async function mapInParallel<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, lane));
  return results;
}
