import { Injectable } from '@nestjs/common';
import { SqlClient } from '@cloudphone/shared';

/** One group of an error-digest window. */
export interface ErrorGroup {
  source: string;
  code: string;
  occurrences: number;
  firstAt: Date;
  lastAt: Date;
  sample: string | null;
}

/** The start of the window `at` falls in, windows being `minutes` long from the epoch. */
const WINDOW_OF = (at: string, minutes: string) =>
  `to_timestamp(floor(extract(epoch FROM ${at}) / (${minutes} * 60)) * ${minutes} * 60)`;

/**
 * SQL of error_digest_entries: repeated errors counted per window, source and code, so a burst of
 * a thousand identical failures is one row (and one line of one operator email).
 */
@Injectable()
export class ErrorLogRepository {
  constructor(private readonly sql: SqlClient) {}

  async record(source: string, code: string, sample: string, windowMinutes: number): Promise<void> {
    await this.sql.rows(
      `INSERT INTO error_digest_entries (window_start, source, code, first_at, last_at, sample)
       VALUES (${WINDOW_OF('now()', '$4::int')}, left($1, 100), left($2, 100), now(), now(), left($3, 500))
       ON CONFLICT (window_start, source, code) DO UPDATE SET occurrences = error_digest_entries.occurrences + 1,
         last_at = now()`,
      [source, code, sample, windowMinutes],
    );
  }

  /** Starts of closed windows (ended by now) with errors not yet digested, oldest first. */
  async closedWindows(windowMinutes: number, limit: number): Promise<Date[]> {
    const rows = await this.sql.rows<{ windowStart: Date }>(
      `SELECT DISTINCT window_start AS "windowStart" FROM error_digest_entries
       WHERE digested_at IS NULL AND window_start + make_interval(mins => $1::int) <= now()
       ORDER BY window_start LIMIT $2`,
      [windowMinutes, limit],
    );
    return rows.map((row) => row.windowStart);
  }

  /**
   * Takes a window's undigested groups (locked: a concurrent digest of the same window waits, then
   * finds them digested) and marks them digested, in the caller's transaction; most frequent first.
   */
  takeWindow(windowStart: Date): Promise<ErrorGroup[]> {
    return this.sql.rows<ErrorGroup>(
      `WITH taken AS (
         SELECT window_start, source, code FROM error_digest_entries
         WHERE window_start = $1 AND digested_at IS NULL FOR UPDATE)
       UPDATE error_digest_entries e SET digested_at = now() FROM taken t
       WHERE e.window_start = t.window_start AND e.source = t.source AND e.code = t.code
       RETURNING e.source, e.code, e.occurrences::float8 AS occurrences, e.first_at AS "firstAt",
         e.last_at AS "lastAt", e.sample`,
      [windowStart],
    );
  }

  /** Deletes digested groups older than `days`. */
  async deleteDigested(days: number): Promise<number> {
    const rows = await this.sql.rows(
      `DELETE FROM error_digest_entries WHERE digested_at < now() - make_interval(days => $1::int) RETURNING 1`,
      [days],
    );
    return rows.length;
  }
}
