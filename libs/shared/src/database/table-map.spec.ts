import { decodeColumn, TableMap } from './table-map';

interface Account {
  id: string;
  balanceMinor: bigint;
  createdAt: Date;
}

const ACCOUNTS = new TableMap<Account>('accounts', {
  id: 'id',
  balanceMinor: { column: 'balance_minor', decode: decodeColumn.bigint },
  createdAt: 'created_at',
});

describe('TableMap', () => {
  it('selects every column aliased to its property, with or without a table alias', () => {
    expect(ACCOUNTS.select()).toBe('id AS "id", balance_minor AS "balanceMinor", created_at AS "createdAt"');
    expect(ACCOUNTS.select('a')).toBe(
      'a.id AS "id", a.balance_minor AS "balanceMinor", a.created_at AS "createdAt"',
    );
  });

  it('decodes the columns that have a decoder and leaves the others as the driver gave them', () => {
    const createdAt = new Date('2026-12-04T00:00:00Z');
    expect(ACCOUNTS.decodeAll([{ id: 'a1', balanceMinor: '-9007199254740993', createdAt }])).toEqual([
      { id: 'a1', balanceMinor: -9007199254740993n, createdAt },
    ]);
  });

  it('resolves a property to its column and refuses an unknown or inherited name', () => {
    expect(ACCOUNTS.column('balanceMinor')).toBe('balance_minor');
    expect(() => ACCOUNTS.column('constructor')).toThrow('accounts has no mapped property "constructor"');
  });
});
