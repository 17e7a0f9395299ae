import { setTimeout as sleep } from 'node:timers/promises';
import Redis from 'ioredis';
import { Client } from 'pg';
import { TEST_SERVERS } from '@cloudphone/shared/testing';

/** Every table of every database (rows and a digest of their content) and every Redis key of a run. */
export type Snapshot = Map<string, string>;

/** A Redis key with a TTL: its disappearance is its expiry (a cache entry's), not a write. */
const EXPIRING = 'expiring';

/**
 * How often settled() looks again. A look is one WAL position query and one Redis script call
 * while no table changed, so looking often costs little and a settled state is seen soon after.
 */
const POLL_MS = 5;

/**
 * How long the state must stay as it is, once a request changed it, to count as settled, when
 * nothing is known of what the request sets off: the platform's longest quiet step (device-service's
 * "device freed" signal waits 50 ms before its serving pass writes) with room to spare. Events are
 * not left to it: a snapshot also counts the outbox rows not yet delivered.
 */
export const LONG_QUIET_MS = 100;

/** The state once a request's effects landed, and how they came. */
export interface Settled {
  state: Snapshot;
  /** The longest time between two changes seen while settling; null when nothing had changed. */
  longestStepMs: number | null;
}

/**
 * Every key matching ARGV[1] with its TTL, in one round trip. A script runs atomically, so a key
 * listed cannot expire before its TTL is read.
 */
const KEY_STATES_SCRIPT = `
local cursor, out = '0', {}
repeat
  local reply = redis.call('SCAN', cursor, 'MATCH', ARGV[1], 'COUNT', 1000)
  cursor = reply[1]
  for _, key in ipairs(reply[2]) do
    out[#out + 1] = key
    out[#out + 1] = redis.call('PTTL', key)
  end
until cursor == '0'
return out`;

/**
 * Outbox rows no one has tried to deliver yet (the relay is woken by their commit; a message for an
 * HTTP destination is sent by its writer after the commit): what a request set off that has not
 * landed anywhere yet, however long the relay takes to get to it.
 */
const UNDELIVERED_SQL = `SELECT NULL AS name, count(*)::text AS state FROM outbox
  WHERE sent_at IS NULL AND rejected_at IS NULL AND attempts = 0`;

/** user-service's lockout state, which failed password checks change (see `open`). */
const LOCKOUT_COLUMNS = 'failed_login_count,locked_until';

/** Rate-limit counters count refused requests too, on purpose: bad input spends a budget as well. */
const RATE_LIMIT_KEY = /:ratelimit:/;

interface Database {
  service: string;
  client: Client;
  /** One row per table (name, rows and digest), and the outbox rows still to deliver (no name). */
  sql: string;
}

/**
 * Reads the whole persistent state of a fleet in one query per database plus one Redis script, so
 * the fuzz oracle can say "this refused request wrote nothing": not only row counts, but any update.
 */
export class StateSnapshots {
  /**
   * The table part of the last snapshot, the outbox rows still to deliver then, and the server's WAL
   * insert position when it was read. Every change of a (logged) table writes WAL, so while the
   * position has not moved no table can have changed, and the digest queries — most of a fuzz
   * case's time — are skipped. Any writer on the server (a parallel test) only costs the full read,
   * never a missed change.
   */
  private tables: { walPosition: string; states: Array<[string, string]>; undelivered: number } | null = null;

  private constructor(
    private readonly databases: Database[],
    private readonly redis: Redis,
    private readonly redisPattern: string,
  ) {}

  static async open(databaseUrls: Record<string, string>, redisPrefix: string): Promise<StateSnapshots> {
    const databases = await Promise.all(
      Object.entries(databaseUrls).map(async ([service, url]): Promise<Database> => {
        const client = new Client({ connectionString: url });
        await client.connect();
        // Left out, as the writes a refusal makes by design (user-service README, Audit log and
        // Lockout): the security audit log, whose point is recording refused logins, and below the
        // failed-login counter of users, which a wrong current password at change-password counts.
        const tables = await client.query<{ name: string }>(
          `SELECT table_name AS name FROM information_schema.tables
            WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations'
              AND table_name NOT LIKE 'security\\_audit\\_events%'
            ORDER BY table_name`,
        );
        const digests = tables.rows.map(({ name }) => {
          const row = name === 'users' ? `(to_jsonb(t) - '{${LOCKOUT_COLUMNS}}'::text[])::text` : 't::text';
          return `SELECT '${name}' AS name, count(*)::text || ':' || md5(coalesce(string_agg(${row}, '|' ORDER BY ${row}), '')) AS state FROM "${name}" t`;
        });
        // The outbox rows still to deliver ride along as the row without a name: no extra round trip.
        if (tables.rows.some(({ name }) => name === 'outbox')) digests.push(UNDELIVERED_SQL);
        return { service, client, sql: digests.join(' UNION ALL ') };
      }),
    );
    const redis = new Redis(TEST_SERVERS.redisUrl, { maxRetriesPerRequest: 1 });
    return new StateSnapshots(databases, redis, `${redisPrefix}*`);
  }

  async take(): Promise<Snapshot> {
    const [tables, keys] = await Promise.all([this.tableStates(), this.keyStates()]);
    return new Map([...tables, ...keys]);
  }

  /**
   * The state once what a request set off (events, consumers, debounced passes) has landed:
   * unchanged from `previous` (a read wrote nothing) at once, else when no outbox row waits to be
   * delivered and nothing changed for `quietMs`, or for LONG_QUIET_MS once an outbox row was written
   * or delivered: its consumer is another service, and nothing here says when it is done.
   */
  async settled(previous: Snapshot | null, quietMs = LONG_QUIET_MS, timeoutMs = 5_000): Promise<Settled> {
    const deadline = Date.now() + timeoutMs;
    let last = await this.take();
    if (previous && differences(previous, last).length === 0) return { state: last, longestStepMs: null };
    const afterOutbox = Math.max(quietMs, LONG_QUIET_MS);
    let quietNeeded = previous && outboxMoved(previous, last) ? afterOutbox : quietMs;
    let changedAt = Date.now();
    let longestStepMs = 0;
    for (;;) {
      await sleep(POLL_MS);
      const current = await this.take();
      const now = Date.now();
      if (differences(last, current).length > 0) {
        if (outboxMoved(last, current)) quietNeeded = afterOutbox;
        longestStepMs = Math.max(longestStepMs, now - changedAt);
        last = current;
        changedAt = now;
      } else if ((now - changedAt >= quietNeeded && !this.tables?.undelivered) || now > deadline)
        return { state: current, longestStepMs };
    }
  }

  private async tableStates(): Promise<Array<[string, string]>> {
    const walPosition = await this.walPosition();
    if (this.tables?.walPosition === walPosition) return this.tables.states;
    const results = await Promise.all(
      this.databases.map(async ({ service, client, sql }) => ({
        service,
        rows: sql ? (await client.query<{ name: string | null; state: string }>(sql)).rows : [],
      })),
    );
    const states: Array<[string, string]> = [];
    let undelivered = 0;
    for (const { service, rows } of results)
      for (const { name, state } of rows)
        if (name === null) undelivered += Number(state);
        else states.push([`${service} table ${name}`, state]);
    // Read before the digests: a write landing between the two is seen by the next snapshot.
    this.tables = { walPosition, states, undelivered };
    return states;
  }

  private async keyStates(): Promise<Array<[string, string]>> {
    const reply = (await this.redis.eval(KEY_STATES_SCRIPT, 0, this.redisPattern)) as Array<string | number>;
    const states: Array<[string, string]> = [];
    for (let index = 0; index < reply.length; index += 2) {
      if (RATE_LIMIT_KEY.test(String(reply[index]))) continue;
      const ttl = Number(reply[index + 1]);
      states.push([`redis ${reply[index]}`, ttl >= 0 ? EXPIRING : 'kept']);
    }
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

/** Whether a row of any outbox was written: an event or message is on its way to another service. */
function outboxMoved(before: Snapshot, after: Snapshot): boolean {
  for (const [name, state] of after)
    if (name.endsWith(' table outbox') && before.get(name) !== state) return true;
  return false;
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
