import type { Logger } from '@nestjs/common';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import { waitFor } from '../testing/wait-for';
import { DatabasePool } from './database-pool';

// DatabasePool against real Postgres: an idle connection the server drops is discarded and logged
// as one short warning, and the pool goes on serving.

describe('DatabasePool', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('user-service', { migrate: false });
  });

  afterAll(() => database?.drop());

  it('logs an idle connection the server dropped without the connection object, and serves on', async () => {
    const warnings: unknown[] = [];
    const logger = { warn: (line: unknown) => warnings.push(line) } as unknown as Logger;
    const pool = DatabasePool.create(
      { url: database.url, poolSize: 1, applicationName: 'pool-drop-test' },
      logger,
    );
    try {
      const [{ pid }] = (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
      // Only this test's own connection, as a server restart or a cut would drop it.
      await database.query('SELECT pg_terminate_backend($1)', [pid]);

      const warning = (await waitFor(() => warnings[0], {
        timeoutMs: 5000,
        description: 'the idle connection warning',
      })) as { msg: string; err: Error & { client?: unknown; code?: string } };
      expect(warning.msg).toBe('idle database connection lost');
      expect(warning.err).toBeInstanceOf(Error);
      expect(warning.err.code).toBe('57P01');
      expect('client' in warning.err).toBe(false);
      expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
    }
  });
});
