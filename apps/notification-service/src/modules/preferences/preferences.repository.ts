import { Injectable } from '@nestjs/common';
import type { NotificationChannelName, NotificationPreference } from '@cloudphone/contracts';
import { SqlClient } from '@cloudphone/shared';

/** SQL of the users' channel choices and locale (only what a user chose; defaults are in code). */
@Injectable()
export class PreferencesRepository {
  constructor(private readonly sql: SqlClient) {}

  /** The user's choices for one event type, by channel. */
  async choicesFor(userId: string, eventType: string): Promise<Map<NotificationChannelName, boolean>> {
    const rows = await this.sql.rows<{ channel: NotificationChannelName; enabled: boolean }>(
      'SELECT channel, enabled FROM notification_preferences WHERE user_id = $1 AND event_type = $2',
      [userId, eventType],
    );
    return new Map(rows.map((row) => [row.channel, row.enabled]));
  }

  allChoices(userId: string): Promise<NotificationPreference[]> {
    return this.sql.rows<NotificationPreference>(
      `SELECT event_type AS "eventType", channel, enabled FROM notification_preferences WHERE user_id = $1`,
      [userId],
    );
  }

  /** Stores choices in one statement (the caller's transaction makes the batch all or nothing). */
  async upsertChoices(userId: string, choices: NotificationPreference[]): Promise<void> {
    if (choices.length === 0) return;
    await this.sql.rows(
      `INSERT INTO notification_preferences (user_id, event_type, channel, enabled)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::boolean[])
       ON CONFLICT (user_id, event_type, channel) DO UPDATE SET enabled = EXCLUDED.enabled, updated_at = now()`,
      [userId, choices.map((c) => c.eventType), choices.map((c) => c.channel), choices.map((c) => c.enabled)],
    );
  }

  async localeOf(userId: string): Promise<string | null> {
    const row = await this.sql.one<{ locale: string }>(
      'SELECT locale FROM notification_settings WHERE user_id = $1',
      [userId],
    );
    return row?.locale ?? null;
  }

  async setLocale(userId: string, locale: string): Promise<void> {
    await this.sql.rows(
      `INSERT INTO notification_settings (user_id, locale) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET locale = EXCLUDED.locale, updated_at = now()`,
      [userId, locale],
    );
  }
}
