import type { Client } from 'pg';

// One advisory lock key for every migration runner; two runners of one database wait for each other.
export const MIGRATION_LOCK_KEY = 7_311_020_501;

/** The session holding a database's migration lock, as Postgres reports it. */
export interface MigrationLockHolder {
  pid: number;
  applicationName: string;
  clientAddress: string | null;
  since: string | null;
  state: string | null;
}

/**
 * Who holds the migration lock in the database `client` is connected to, or null. A bigint
 * advisory key shows in pg_locks as its high 32 bits (classid) and low 32 bits (objid), objsubid 1.
 */
export async function migrationLockHolder(client: Client): Promise<MigrationLockHolder | null> {
  const { rows } = await client.query<{
    pid: number;
    application_name: string;
    client_addr: string | null;
    since: Date | null;
    state: string | null;
  }>(
    `SELECT a.pid, a.application_name, host(a.client_addr) AS client_addr, a.xact_start AS since, a.state
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND ((l.classid::bigint << 32) | l.objid::bigint) = $1`,
    [MIGRATION_LOCK_KEY],
  );
  const [row] = rows;
  if (!row) return null;
  return {
    pid: row.pid,
    applicationName: row.application_name,
    clientAddress: row.client_addr,
    since: row.since ? row.since.toISOString() : null,
    state: row.state,
  };
}

/**
 * Takes the migration lock, first saying who holds it when another runner does: a migration that
 * seems to hang is then visibly waiting for a named session (kill it, or wait for it to finish).
 */
export async function acquireMigrationLock(
  client: Client,
  database: string,
  log: (message: string) => void,
): Promise<void> {
  const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
    MIGRATION_LOCK_KEY,
  ]);
  if (rows[0]?.locked) return;
  const holder = await migrationLockHolder(client);
  log(
    holder
      ? `${database}: waiting for the migration lock, held by pid ${holder.pid} (${holder.applicationName || 'no application_name'}` +
          `${holder.clientAddress ? ` from ${holder.clientAddress}` : ''}${holder.since ? `, since ${holder.since}` : ''})`
      : `${database}: waiting for the migration lock`,
  );
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
  log(`${database}: got the migration lock`);
}
