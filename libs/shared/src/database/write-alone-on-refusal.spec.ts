import type { BatchItemOutcome } from '../concurrency';
import { DatabaseQueryError } from './database-query.error';
import { writeAloneOnRefusal } from './write-alone-on-refusal';

const ok = <R>(value: R): BatchItemOutcome<R> => ({ ok: true, value });
const refused = () =>
  new DatabaseQueryError(
    'INSERT',
    [],
    Object.assign(new Error('violates check constraint'), { code: '23514' }),
  );
const unreachable = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('writeAloneOnRefusal', () => {
  it('writes a batch in one call while it is accepted', async () => {
    const calls: number[][] = [];
    const send = writeAloneOnRefusal<number>(async (items) => {
      calls.push(items);
    });
    await expect(send([1, 2, 3])).resolves.toEqual([ok(undefined), ok(undefined), ok(undefined)]);
    expect(calls).toEqual([[1, 2, 3]]);
  });

  it('fails only the item a refused batch owed its refusal to, after writing each alone', async () => {
    const written: number[] = [];
    const refusal = refused();
    const send = writeAloneOnRefusal<number>(async (items) => {
      if (items.includes(13)) throw refusal;
      written.push(...items);
    });
    await expect(send([1, 13, 2])).resolves.toEqual([
      ok(undefined),
      { ok: false, error: refusal },
      ok(undefined),
    ]);
    expect(written).toEqual([1, 2]);
  });

  it("answers each item's own result, from the batch or from its write alone", async () => {
    const refusal = refused();
    const send = writeAloneOnRefusal<number, string>(async (items) => {
      if (items.includes(13)) throw refusal;
      return items.map((item) => `wrote ${item}`);
    });
    await expect(send([1, 2])).resolves.toEqual([ok('wrote 1'), ok('wrote 2')]);
    await expect(send([3, 13])).resolves.toEqual([ok('wrote 3'), { ok: false, error: refusal }]);
  });

  it('fails a lone item with its own error, tried once', async () => {
    let calls = 0;
    const send = writeAloneOnRefusal<number>(async () => {
      calls += 1;
      throw refused();
    });
    await expect(send([7])).rejects.toThrow('violates check constraint');
    expect(calls).toBe(1);
  });

  it('fails a whole batch at once when the database is unreachable, without trying each item', async () => {
    let calls = 0;
    const send = writeAloneOnRefusal<number>(async () => {
      calls += 1;
      throw unreachable();
    });
    await expect(send([1, 2, 3])).rejects.toThrow('ECONNREFUSED');
    expect(calls).toBe(1);
  });

  it('fails the rest at once when the database goes away while items are written alone', async () => {
    const calls: number[][] = [];
    const outage = unreachable();
    const send = writeAloneOnRefusal<number>(async (items) => {
      calls.push(items);
      if (items.length > 1) throw refused();
      if (items[0] === 2) throw outage;
    });
    await expect(send([1, 2, 3, 4])).resolves.toEqual([
      ok(undefined),
      { ok: false, error: outage },
      { ok: false, error: outage },
      { ok: false, error: outage },
    ]);
    expect(calls).toEqual([[1, 2, 3, 4], [1], [2]]);
  });
});
