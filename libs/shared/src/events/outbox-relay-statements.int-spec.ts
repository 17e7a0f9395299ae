import { DatabasePool } from '../database/database-pool';
import { createRepositoryTestDatabase, type RepositoryTestDatabase } from '../testing';
import { type OutboxBatchResult, OutboxRepository, type OutboxRow } from './outbox.repository';
import { OutboxRelayStatements } from './outbox-relay-statements';

// The relay's claim and mark of a batch are prepared statements of its connection (SQL PREPARE,
// sent with the first batch the connection serves), planned once per connection instead of once
// per batch.
// One pooled connection here, so every batch and the plan-cache read share it.

describe('the outbox relay statements', () => {
  let database: RepositoryTestDatabase;
  let pool: DatabasePool;
  let outbox: OutboxRepository;

  beforeAll(async () => {
    database = await createRepositoryTestDatabase('notification-service', {
      poolSize: 1,
      statementTimeoutMs: 500,
    });
    pool = database.pool;
    outbox = new OutboxRepository(pool, database.sql);
  });

  afterAll(() => database?.close());

  const addEvents = (count: number) =>
    database.query(
      `INSERT INTO outbox (event_id, event_type, event_version, aggregate_key, data)
       SELECT gen_random_uuid(), 'claimtest.happened', 1, 'claimtest:' || n, jsonb_build_object('n', n)
       FROM generate_series(1, $1) n`,
      [count],
    );

  const sendAll = async (rows: OutboxRow[]): Promise<OutboxBatchResult> => ({
    sentIds: rows.map((row) => row.id),
    failures: [],
  });

  const backendPid = async () =>
    (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;

  it('claim and mark are prepared once per connection and run on their generic plans', async () => {
    for (let batch = 1; batch <= 8; batch++) {
      await addEvents(batch);
      expect(await outbox.processNextBatch(10, sendAll)).toBe(batch);
    }
    expect(await outbox.processNextBatch(10, sendAll)).toBe(0);

    const { rows } = await pool.query<{ name: string; generic: string; custom: string }>(
      `SELECT name, generic_plans AS generic, custom_plans AS custom FROM pg_prepared_statements
       WHERE name LIKE 'cp_outbox_%' ORDER BY name`,
    );
    // The claim has no parameters: one plan for all nine batches. The mark (batches of 1 to 8
    // ids): Postgres's five custom plans, then the generic one whatever the count.
    expect(rows).toEqual([
      { name: 'cp_outbox_claim_10', generic: '9', custom: '0' },
      { name: 'cp_outbox_mark_sent_10', generic: '3', custom: '5' },
    ]);
    expect(
      Number(
        (await database.query<{ n: string }>('SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL'))[0].n,
      ),
    ).toBe(0);
  });

  it('a failed batch after the claim keeps the connection; a claim round trip that failed closes it', async () => {
    await addEvents(2);
    const pid = await backendPid();
    await expect(
      outbox.processNextBatch(10, async () => {
        throw new Error('publish blew up');
      }),
    ).rejects.toThrow('publish blew up');
    // Rolled back on the same connection, whose claim is known to be prepared.
    expect(await backendPid()).toBe(pid);

    // A new head limit's PREPARE rides a round trip that times out on a locked table: whether it
    // took effect is unknown, so the connection is not lent again.
    const locker = await DatabasePool.open({ url: database.url, poolSize: 1 });
    const held = await locker.connect();
    try {
      await held.client.query('BEGIN; LOCK TABLE outbox IN ACCESS EXCLUSIVE MODE');
      await expect(outbox.processNextBatch(7, sendAll)).rejects.toThrow();
    } finally {
      await held.rollback();
      held.release();
      await locker.end();
    }
    expect(await backendPid()).not.toBe(pid);
    expect(await outbox.processNextBatch(7, sendAll)).toBe(2);
  });

  // What a pooler in transaction mode does: the next transaction runs on a server session that
  // lacks the statements, or holds them though this connection never prepared them.
  it('re-prepares on a session that lost the statements, and adopts ones it finds prepared', async () => {
    await addEvents(2);
    expect(await outbox.processNextBatch(5, sendAll)).toBe(2);
    await pool.query('DEALLOCATE cp_outbox_claim_5');
    await pool.query('DEALLOCATE cp_outbox_mark_sent_5');
    await addEvents(3);
    expect(await outbox.processNextBatch(5, sendAll)).toBe(3);

    // The session holds them; this process forgets it did (as for a session another client prepared).
    const held = await pool.connect();
    new OutboxRelayStatements(5).believe(held.client, false);
    held.release();
    const pid = await backendPid();
    await addEvents(1);
    expect(await outbox.processNextBatch(5, sendAll)).toBe(1);
    expect(await backendPid()).toBe(pid);
    const { rows } = await pool.query<{ name: string }>(
      `SELECT name FROM pg_prepared_statements WHERE name LIKE 'cp_outbox_%_5' ORDER BY name`,
    );
    expect(rows.map((row) => row.name)).toEqual(['cp_outbox_claim_5', 'cp_outbox_mark_sent_5']);
  });
});
