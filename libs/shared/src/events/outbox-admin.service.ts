import { Injectable, Logger } from '@nestjs/common';
import { AppError } from '../errors/app-error';
import { CommonErrors } from '../errors/common.errors';
import { OutboxAdminRepository, type OutboxRowState, type OutboxRowView } from './outbox-admin.repository';
import { type OutboxBacklog, OutboxMessagesRepository } from './outbox-messages.repository';
import { OUTBOX_DESTINATION_NAME } from './outbox-message';
import { OutboxRelay } from './outbox-relay.service';

const STATES: readonly OutboxRowState[] = ['pending', 'failing', 'rejected'];
const ROW_ID = /^[1-9][0-9]{0,18}$/;
const MAX_ROW_ID = 9_223_372_036_854_775_807n;
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;

/** The query of GET /internal/outbox/messages, as received. */
export interface OutboxListParameters {
  state?: unknown;
  destination?: unknown;
  limit?: unknown;
}

/**
 * The operator's view of this service's outbox, every destination in one place: what waits, what
 * keeps failing and why, what was refused for good; and a way to send a row again now.
 */
@Injectable()
export class OutboxAdminService {
  private readonly logger = new Logger('OutboxAdmin');

  constructor(
    private readonly rows: OutboxAdminRepository,
    private readonly messages: OutboxMessagesRepository,
    private readonly relay: OutboxRelay,
  ) {}

  async summary(): Promise<{ destinations: OutboxBacklog[] }> {
    return { destinations: await this.messages.backlog() };
  }

  async list(parameters: OutboxListParameters): Promise<{ items: OutboxRowView[] }> {
    const problems: Array<{ field: string; reasons: string[] }> = [];
    const state = parameters.state ?? 'pending';
    if (typeof state !== 'string' || !STATES.includes(state as OutboxRowState))
      problems.push({ field: 'state', reasons: [`must be one of ${STATES.join(', ')}`] });
    const destination = parameters.destination ?? null;
    if (
      destination !== null &&
      (typeof destination !== 'string' || !OUTBOX_DESTINATION_NAME.test(destination))
    )
      problems.push({ field: 'destination', reasons: ['must be a destination name such as events'] });
    const limitText = parameters.limit ?? String(DEFAULT_LIMIT);
    const limit = typeof limitText === 'string' && /^[0-9]{1,4}$/.test(limitText) ? Number(limitText) : NaN;
    if (!(limit >= 1 && limit <= MAX_LIMIT))
      problems.push({ field: 'limit', reasons: [`must be an integer from 1 to ${MAX_LIMIT}`] });
    if (problems.length > 0)
      throw CommonErrors.validationFailed('Invalid outbox query', { errors: problems });
    return { items: await this.rows.list(state as OutboxRowState, destination as string | null, limit) };
  }

  /** Makes a pending or rejected row due now; 404 OUTBOX_ROW_NOT_FOUND when none (or it was sent). */
  async retry(id: string, by: string): Promise<OutboxRowView> {
    if (!ROW_ID.test(id) || BigInt(id) > MAX_ROW_ID) throw outboxRowNotFound(id);
    const row = await this.rows.retryNow(id);
    if (!row) throw outboxRowNotFound(id);
    this.logger.log({ msg: 'outbox row made due now', id, destination: row.destination, type: row.type, by });
    if (row.destination === 'events') this.relay.wake();
    return row;
  }
}

function outboxRowNotFound(id: string): AppError {
  return new AppError('OUTBOX_ROW_NOT_FOUND', 404, `No pending or rejected outbox row ${id}`, { id });
}
