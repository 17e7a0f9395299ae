import { SharedStatement } from './shared-statement';

describe('SharedStatement (outside a transaction)', () => {
  it('writes the calls that arrive during a statement together in the next, each with its own result', async () => {
    const batches: number[][] = [];
    const sizes: number[] = [];
    const statement = new SharedStatement<number, string>(
      async (items) => {
        batches.push(items);
        await new Promise((resolve) => setImmediate(resolve));
        return items.map((item) => `wrote ${item}`);
      },
      { onBatch: (items) => sizes.push(items) },
    );
    const first = statement.run(1);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    const answers = await Promise.all([first, ...[2, 3].map((item) => statement.run(item))]);
    expect(answers).toEqual(['wrote 1', 'wrote 2', 'wrote 3']);
    expect(batches).toEqual([[1], [2, 3]]);
    expect(sizes).toEqual([1, 2]);
  });
});
