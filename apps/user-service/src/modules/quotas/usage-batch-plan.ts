/**
 * Which reports of a usage batch may be applied together, in one statement: at most one per user
 * (one statement cannot add two reports to the same quota row and check each against its limit)
 * and one per allocation (a repeat must be told apart from the report it repeats). Answers their
 * indexes in the batch, in order; the other reports go one by one afterwards, as they would alone.
 */
export function reportsToApplyTogether(
  items: ReadonlyArray<{ userId: string; allocationId: string }>,
): number[] {
  const users = new Set<string>();
  const allocations = new Set<string>();
  const together: number[] = [];
  items.forEach((item, index) => {
    if (users.has(item.userId) || allocations.has(item.allocationId)) return;
    users.add(item.userId);
    allocations.add(item.allocationId);
    together.push(index);
  });
  return together;
}
