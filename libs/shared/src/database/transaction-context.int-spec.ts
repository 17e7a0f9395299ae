import { setTimeout as sleep } from 'node:timers/promises';
import { createTestDatabase, type TestDatabase, waitFor } from '../testing';
import { isDatabaseUnavailable } from './database-outage';
import { DatabasePool } from './database-pool';
import { DatabaseQueryError } from './database-query.error';
import { violatedUniqueConstraint } from './database-errors';
import { SqlClient } from './sql-client';
import { afterCommit, inTransaction } from './transaction-context';
import { TransactionRunner } from './transaction-runner';

describe('ambient transactions (real Postgres)', () => {
  let database: TestDatabase;
  let pool: DatabasePool;
  let sql: SqlClient;
  let transactions: TransactionRunner;

  const count = async () => (await sql.one<{ n: number }>('SELECT count(*)::int AS n FROM notes'))?.n;
  // After a write, a transaction has an id; a statement of its own (that writes nothing) has none.
  const ownTransaction = async () =>
    (await sql.one<{ alone: boolean }>('SELECT txid_current_if_assigned() IS NULL AS alone'))?.alone;

  beforeAll(async () => {
    database = await createTestDatabase('proxy-service', { migrate: false });
    await database.query('CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL)');
    pool = DatabasePool.create({ url: database.url, poolSize: 4 });
    sql = new SqlClient(pool);
    transactions = new TransactionRunner(pool);
  });

  afterAll(async () => {
    await pool?.end();
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

  it('runs at the isolation level asked for, in the one BEGIN', async () => {
    const level = () =>
      sql.one<{ level: string }>("SELECT current_setting('transaction_isolation') AS level");
    expect(await transactions.run(level, 'SERIALIZABLE')).toEqual({ level: 'serializable' });
    expect(await transactions.run(level, 'REPEATABLE READ')).toEqual({ level: 'repeatable read' });
    expect(await transactions.run(level)).toEqual({ level: 'read committed' });
  });

  it('reports a refused statement with its SQLSTATE and constraint, and rolls its transaction back', async () => {
    await database.query('CREATE UNIQUE INDEX IF NOT EXISTS notes_body_key ON notes (body)');
    try {
      const failure = await transactions
        .run(async () => {
          await sql.rows(`INSERT INTO notes (body) VALUES ('same')`);
          await sql.rows(`INSERT INTO notes (body) VALUES ('same')`);
        })
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(DatabaseQueryError);
      expect(violatedUniqueConstraint(failure)).toBe('notes_body_key');
      expect(isDatabaseUnavailable(failure)).toBe(false);
      expect(await count()).toBe(0);
    } finally {
      await database.query('DROP INDEX notes_body_key');
    }
  });

  it('discards a connection the server dropped mid-transaction, and serves the next ones', async () => {
    const failure = await transactions
      .run(async () => {
        const me = await sql.one<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        await database.query('SELECT pg_terminate_backend($1)', [me?.pid]);
        await sql.rows(`INSERT INTO notes (body) VALUES ('lost')`);
      })
      .catch((error: unknown) => error);
    expect(isDatabaseUnavailable(failure)).toBe(true);
    // More transactions than the pool has connections: a broken one lent again would fail one.
    for (let round = 0; round < 6; round++)
      await transactions.run(() => sql.rows(`INSERT INTO notes (body) VALUES ('after')`));
    expect(await count()).toBe(6);
  });

  it('drops idle connections the server closed, without ending the process, and connects anew', async () => {
    const own = DatabasePool.create({ url: database.url, poolSize: 2, applicationName: 'idle-drop-probe' });
    try {
      await Promise.all([own.query('SELECT pg_sleep(0.05)'), own.query('SELECT pg_sleep(0.05)')]);
      expect(own.pool.idleCount).toBe(2);
      await database.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'idle-drop-probe'`,
      );
      await waitFor(() => own.pool.idleCount === 0, {
        description: 'the pool to drop both closed connections',
      });
      expect((await own.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await own.end();
    }
  });
});
