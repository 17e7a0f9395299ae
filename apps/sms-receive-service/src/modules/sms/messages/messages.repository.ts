import { Injectable } from '@nestjs/common';
import { findPage, type ListQuery, type Page, SqlClient, TableMap } from '@cloudphone/shared';
import type { SmsMessageRecord } from './sms-message-record';

/** Messages joined to their numbers (the "table" is the join, so findPage lists it as one). */
const SMS_MESSAGES = new TableMap<SmsMessageRecord>(
  'sms_messages m JOIN sms_numbers n ON n.id = m.number_id',
  {
    id: 'm.id',
    numberId: 'm.number_id',
    userId: 'n.user_id',
    phoneNumber: 'n.phone_number',
    service: 'n.service',
    sender: 'm.sender',
    body: 'm.body',
    code: 'm.code',
    receivedAt: 'm.received_at',
  },
);
const SELECT = `SELECT ${SMS_MESSAGES.select()} FROM ${SMS_MESSAGES.table}`;

@Injectable()
export class MessagesRepository {
  constructor(private readonly sql: SqlClient) {}

  async ofNumber(numberId: string): Promise<SmsMessageRecord[]> {
    return SMS_MESSAGES.decodeAll(
      await this.sql.rows(`${SELECT} WHERE m.number_id = $1 ORDER BY m.received_at, m.id`, [numberId]),
    );
  }

  async findById(id: string): Promise<SmsMessageRecord | null> {
    const row = await this.sql.one<Record<string, unknown>>(`${SELECT} WHERE m.id = $1`, [id]);
    return row ? SMS_MESSAGES.decode(row) : null;
  }

  /** Messages of a user's numbers (everyone's when `userId` is undefined); `withCode`: codes only. */
  list(query: ListQuery, userId: string | undefined, withCode: boolean): Promise<Page<SmsMessageRecord>> {
    const conditions = [
      ...(userId === undefined ? [] : ['n.user_id = $1']),
      ...(withCode ? ['m.code IS NOT NULL'] : []),
    ];
    return findPage(
      this.sql,
      SMS_MESSAGES,
      query,
      conditions.length === 0
        ? undefined
        : { where: conditions.join(' AND '), parameters: userId === undefined ? [] : [userId] },
    );
  }
}
