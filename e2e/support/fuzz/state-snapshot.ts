import Redis from 'ioredis';
import { Client } from 'pg';
import { TEST_SERVERS } from '@cloudphone/shared/testing';

/** Every table of every database (rows and a digest of their content) and every Redis key of a run. */
export type Snapshot = Map<string, string>;

/**
 * Reads the whole persistent state of a fleet in one query per database plus a Redis SCAN, so the
 * fuzz oracle can say "this refused request wrote nothing": not only row counts, but any update.
 */
export class StateSnapshots {
  private constructor(
    private readonly databases: Array<{ service: string; client: Client; sql: string }>,
    private readonly redis: Redis,
    private readonly redisPattern: string,
  ) {}

  static async open(databaseUrls: Record<string, string>, redisPrefix: string): Promise<StateSnapshots> {
    const databases = await Promise.all(
      Object.entries(databaseUrls).map(async ([service, url]) => {
        const client = new Client({ connectionString: url });
        await client.connect();
        const tables = await client.query<{ name: string }>(
          `SELECT table_name AS name FROM information_schema.tables
            WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations'
            ORDER BY table_name`,
        );
        const sql = tables.rows
          .map(
            ({ name }) =>
              `SELECT '${name}' AS name, count(*)::text || ':' || md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS state FROM "${name}" t`,
          )
          .join(' UNION ALL ');
        return { service, client, sql };
      }),
    );
    const redis = new Redis(TEST_SERVERS.redisUrl, { maxRetriesPerRequest: 1 });
    return new StateSnapshots(databases, redis, `${redisPrefix}*`);
  }

  async take(): Promise<Snapshot> {
    const snapshot: Snapshot = new Map();
    const results = await Promise.all(
      this.databases.map(async ({ service, client, sql }) => ({
        service,
        rows: sql ? (await client.query<{ name: string; state: string }>(sql)).rows : [],
      })),
    );
    for (const { service, rows } of results)
      for (const row of rows) snapshot.set(`${service} table ${row.name}`, row.state);
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', this.redisPattern, 'COUNT', 1000);
      for (const key of keys) snapshot.set(`redis ${key}`, 'present');
      cursor = next;
    } while (cursor !== '0');
    return snapshot;
  }

  /** Takes snapshots until two in a row agree: what a request set off (events, consumers) has landed. */
  async settled(timeoutMs = 5_000): Promise<Snapshot> {
    const deadline = Date.now() + timeoutMs;
    let previous = await this.take();
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 120));
      const current = await this.take();
      if (differences(previous, current).length === 0 || Date.now() > deadline) return current;
      previous = current;
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.databases.map(({ client }) => client.end()));
    this.redis.disconnect();
  }
}

/** What changed between two snapshots, one line per table or key. */
export function differences(before: Snapshot, after: Snapshot): string[] {
  const changed: string[] = [];
  for (const [name, state] of after) {
    const old = before.get(name);
    if (old === undefined) changed.push(`${name} appeared`);
    else if (old !== state)
      changed.push(`${name} changed (rows ${old.split(':')[0]} → ${state.split(':')[0]})`);
  }
  for (const name of before.keys()) if (!after.has(name)) changed.push(`${name} disappeared`);
  return changed;
}
