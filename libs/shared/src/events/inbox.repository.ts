import { Injectable } from '@nestjs/common';
import { SqlClient } from '../database/sql-client';

/** SQL of the `inbox` table: ids of events this service has handled. */
@Injectable()
export class InboxRepository {
  constructor(private readonly sql: SqlClient) {}

  /**
   * Records the event as handled inside the handler's transaction. Returns false when the id is
   * already there (a duplicate). A concurrent insert of the same id waits for the other
   * transaction and then sees the conflict, so two replicas never both handle one event.
   */
  async record(event: { id: string; type: string; source: string }): Promise<boolean> {
    const inserted = await this.sql.rows(
      `INSERT INTO inbox (event_id, event_type, source) VALUES ($1, $2, $3)
       ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
      [event.id, event.type, event.source],
    );
    return inserted.length === 1;
  }

  /** Deletes up to `limit` ids handled more than `retentionHours` ago; returns how many. */
  async deleteHandledBefore(retentionHours: number, limit: number): Promise<number> {
    const deleted = await this.sql.rows(
      `WITH doomed AS (
         SELECT event_id FROM inbox
         WHERE handled_at < now() - make_interval(hours => $1)
         ORDER BY handled_at
         LIMIT $2
       )
       DELETE FROM inbox i USING doomed WHERE i.event_id = doomed.event_id RETURNING i.event_id`,
      [retentionHours, limit],
    );
    return deleted.length;
  }
}
