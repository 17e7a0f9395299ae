import { Injectable } from '@nestjs/common';
import { SqlClient } from '@cloudphone/shared';
import { SMS_NUMBERS } from './numbers.repository';
import type { SmsNumberRecord } from './sms-number-record';

/** A message as a provider delivered it, with the code our extractor found. */
export interface IncomingMessage {
  messageId: string;
  sender: string | null;
  body: string;
  code: string | null;
  receivedAt: Date;
}

/** Storing what sms-message-polling fetched. */
@Injectable()
export class PollingRepository {
  constructor(private readonly sql: SqlClient) {}

  /**
   * Claims up to `limit` waiting numbers for one polling pass: the least recently polled, stamped
   * polled in the same statement (SKIP LOCKED), so two passes never fetch the same number twice.
   */
  async claimDue(limit: number): Promise<SmsNumberRecord[]> {
    const rows = await this.sql.rows<Record<string, unknown>>(
      `UPDATE sms_numbers SET last_polled_at = now()
       WHERE id IN (SELECT id FROM sms_numbers WHERE status = 'waiting'
                    ORDER BY last_polled_at NULLS FIRST, id LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING ${SMS_NUMBERS.select()}`,
      [limit],
    );
    return SMS_NUMBERS.decodeAll(rows);
  }

  /** Stores the messages not stored yet (by the provider's message id) and answers those. */
  async storeMessages(numberId: string, messages: IncomingMessage[]): Promise<IncomingMessage[]> {
    if (messages.length === 0) return [];
    const rows = await this.sql.rows<{ messageId: string }>(
      `INSERT INTO sms_messages (number_id, message_id, sender, body, code, received_at)
       SELECT $1, m.message_id, m.sender, m.body, m.code, m.received_at
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
         AS m(message_id, sender, body, code, received_at)
       ON CONFLICT (number_id, message_id) DO NOTHING
       RETURNING message_id AS "messageId"`,
      [
        numberId,
        messages.map((message) => message.messageId),
        messages.map((message) => message.sender),
        messages.map((message) => message.body),
        messages.map((message) => message.code),
        messages.map((message) => message.receivedAt),
      ],
    );
    const stored = new Set(rows.map((row) => row.messageId));
    return messages.filter((message) => stored.has(message.messageId));
  }

  /**
   * The number's first code: `received`, charged from now, in one conditional statement, so only
   * one of any number of concurrent passes gets the row back (and charges it).
   */
  async markCodeReceived(numberId: string, code: string, receivedAt: Date): Promise<SmsNumberRecord | null> {
    const row = await this.sql.one<Record<string, unknown>>(
      `UPDATE sms_numbers SET status = 'received', code = $2, code_received_at = $3, charged_at = now(), updated_at = now()
       WHERE id = $1 AND status = 'waiting'
       RETURNING ${SMS_NUMBERS.select()}`,
      [numberId, code, receivedAt],
    );
    return row ? SMS_NUMBERS.decode(row) : null;
  }
}
