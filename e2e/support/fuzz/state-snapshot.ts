import Redis from 'ioredis';
import { Client } from 'pg';
import { TEST_SERVERS } from '@cloudphone/shared/testing';

/** Every table of every database (rows and a digest of their content) and every Redis key of a run. */
export type Snapshot = Map<string, string>;

/** A Redis key with a TTL: its disappearance is its expiry (a cache entry's), not a write. */
const EXPIRING = 'expiring';

/**
 * Reads the whole persistent state of a fleet in one query per database plus a Redis SCAN, so the
 * fuzz oracle can say "this refused request wrote nothing": not only row counts, but any update.
 */
export class StateSnapshots {
  /**
   * The table part of the last snapshot, and the server's WAL insert position when it was read.
   * Every change of a (logged) table writes WAL, so while the position has not moved no table can
   * have changed, and the digest queries — most of a fuzz case's time — are skipped. Any writer on
   * the server (a parallel test) only costs the full read, never a missed change.
   */
  private tables: { walPosition: string; states: Array<[string, string]> } | null = null;

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
    const snapshot: Snapshot = new Map(await this.tableStates());
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', this.redisPattern, 'COUNT', 1000);
      const pipeline = this.redis.pipeline();
      for (const key of keys) pipeline.pttl(key);
      const ttls = keys.length > 0 ? ((await pipeline.exec()) ?? []) : [];
      keys.forEach((key, index) => {
        const ttl = Number(ttls[index]?.[1]);
        // -2: the key expired between SCAN and PTTL, so it is gone, not changed.
        if (ttl !== -2) snapshot.set(`redis ${key}`, ttl >= 0 ? EXPIRING : 'kept');
      });
      cursor = next;
    } while (cursor !== '0');
    return snapshot;
  }

  /**
   * The state once what a request set off (events, consumers) has landed: unchanged from `previous`
   * (a read wrote nothing) at once, else when two snapshots in a row agree.
   */
  async settled(previous: Snapshot | null, timeoutMs = 5_000): Promise<Snapshot> {
    const deadline = Date.now() + timeoutMs;
    let last = await this.take();
    if (previous && differences(previous, last).length === 0) return last;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const current = await this.take();
      if (differences(last, current).length === 0 || Date.now() > deadline) return current;
      last = current;
    }
  }

  private async tableStates(): Promise<Array<[string, string]>> {
    const walPosition = await this.walPosition();
    if (this.tables?.walPosition === walPosition) return this.tables.states;
    const results = await Promise.all(
      this.databases.map(async ({ service, client, sql }) => ({
        service,
        rows: sql ? (await client.query<{ name: string; state: string }>(sql)).rows : [],
      })),
    );
    const states = results.flatMap(({ service, rows }) =>
      rows.map((row): [string, string] => [`${service} table ${row.name}`, row.state]),
    );
    // Read before the digests: a write landing between the two is seen by the next snapshot.
    this.tables = { walPosition, states };
    return states;
  }

  private async walPosition(): Promise<string> {
    const [first] = this.databases;
    if (!first) return '';
    const result = await first.client.query<{ position: string }>(
      'SELECT pg_current_wal_insert_lsn()::text AS position',
    );
    return result.rows[0].position;
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
  for (const [name, state] of before)
    if (!after.has(name) && state !== EXPIRING) changed.push(`${name} disappeared`);
  return changed;
}
