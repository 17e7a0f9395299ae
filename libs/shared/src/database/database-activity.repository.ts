import { Injectable } from '@nestjs/common';
import { SqlClient } from './sql-client';

const ACTIVITY_SQL = `
SELECT coalesce(state, 'unknown') AS state,
       coalesce(nullif(application_name, ''), 'unknown') AS "applicationName",
       count(*)::int AS connections,
       (count(*) FILTER (WHERE wait_event_type = 'Lock'))::int AS "waitingOnLock"
FROM pg_stat_activity
WHERE datname = current_database() AND backend_type = 'client backend'
GROUP BY 1, 2`;

// Reserved slots are for superusers (and pg_use_reserved_connections on PG 16+), not the services.
const LIMITS_SQL = `
SELECT current_setting('max_connections')::int
         - current_setting('superuser_reserved_connections')::int
         - coalesce(current_setting('reserved_connections', true)::int, 0) AS "serverLimit",
       (SELECT count(*)::int FROM pg_stat_activity WHERE backend_type = 'client backend') AS "serverConnections",
       (SELECT datconnlimit FROM pg_database WHERE datname = current_database()) AS "databaseLimit"`;

export interface DatabaseActivityRow {
  state: string;
  applicationName: string;
  connections: number;
  waitingOnLock: number;
}

export interface ConnectionLimitsRow {
  serverLimit: number;
  serverConnections: number;
  databaseLimit: number;
}

/** What Postgres says about the connections to this service's database, for the pool monitor. */
@Injectable()
export class DatabaseActivityRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Client connections to this database by state and application_name, with those waiting on a lock. */
  activity(): Promise<DatabaseActivityRow[]> {
    return this.sql.rows<DatabaseActivityRow>(ACTIVITY_SQL);
  }

  /** The server's usable connection limit and use, and this database's CONNECTION LIMIT (-1: none). */
  async limits(): Promise<ConnectionLimitsRow> {
    return (await this.sql.one<ConnectionLimitsRow>(LIMITS_SQL)) as ConnectionLimitsRow;
  }
}
