import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../testing';
import { SqlClient } from './sql-client';
import { afterCommit, inTransaction } from './transaction-context';
import { TransactionRunner } from './transaction-runner';

describe('ambient transactions (real Postgres)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let sql: SqlClient;
  let transactions: TransactionRunner;

  const count = async () => (await sql.one<{ n: number }>('SELECT count(*)::int AS n FROM notes'))?.n;
  // After a write, a transaction has an id; a statement of its own (that writes nothing) has none.
  const ownTransaction = async () =>
    (await sql.one<{ alone: boolean }>('SELECT txid_current_if_assigned() IS NULL AS alone'))?.alone;

  beforeAll(async () => {
    database = await createTestDatabase('proxy-service', { migrate: false });
    await database.query('CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL)');
    dataSource = await new DataSource({ type: 'postgres', url: database.url, poolSize: 4 }).initialize();
    sql = new SqlClient(dataSource);
    transactions = new TransactionRunner(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  beforeEach(() => database.query('TRUNCATE notes'));

  it('lets every statement inside run() join one transaction, nested runs included', async () => {
    await expect(
      transactions.run(async () => {
        await sql.rows(`INSERT INTO notes (body) VALUES ('a')`);
        await transactions.run(() => sql.rows(`INSERT INTO notes (body) VALUES ('b')`));
        expect(await count()).toBe(2);
        expect(await ownTransaction()).toBe(false);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await count()).toBe(0);
  });

  it('runs after-commit callbacks once committed, never after a rollback', async () => {
    const calls: string[] = [];
    await transactions.run(async () => {
      await afterCommit(() => void calls.push('committed'));
      expect(calls).toEqual([]);
    });
    await transactions
      .run(async () => {
        await afterCommit(() => void calls.push('rolled back'));
        throw new Error('no');
      })
      .catch(() => undefined);
    expect(calls).toEqual(['committed']);
  });

  it('sends work still running after its transaction ended to the pool, not to the returned connection', async () => {
    let late: Promise<void> | undefined;
    await transactions.run(async () => {
      await sql.rows(`INSERT INTO notes (body) VALUES ('in')`);
      // Not awaited: it carries the transaction's async context past the commit.
      late = sleep(100).then(async () => {
        expect(inTransaction()).toBe(false);
        await sql.rows(`INSERT INTO notes (body) VALUES ('late')`);
      });
    });
    // Meanwhile other transactions take every connection of the pool (the one given back among
    // them), write, and roll back: a late insert that ran inside one of them would vanish with it.
    const others = Array.from({ length: 4 }, () =>
      transactions
        .run(async () => {
          await sql.rows(`INSERT INTO notes (body) VALUES ('other')`);
          await sleep(200);
          throw new Error('roll back');
        })
        .catch((error: Error) => error.message),
    );
    await late;
    expect(await Promise.all(others)).toEqual(Array(4).fill('roll back'));
    expect(await sql.rows('SELECT body FROM notes ORDER BY id')).toEqual([{ body: 'in' }, { body: 'late' }]);
  });
});
