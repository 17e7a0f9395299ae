import { Injectable, Logger } from '@nestjs/common';
import { EventsConfig } from './events.config';
import { InboxRepository } from './inbox.repository';
import { OutboxRepository } from './outbox.repository';

const DELETE_BATCH = 5000;

export interface TrimResult {
  outboxRowsDeleted: number;
  inboxRowsDeleted: number;
}

/** Housekeeping of the outbox and inbox tables, run daily by EventsHousekeepingJob. */
@Injectable()
export class EventsMaintenanceService {
  private readonly logger = new Logger('EventsMaintenance');

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly inbox: InboxRepository,
    private readonly config: EventsConfig,
  ) {}

  /**
   * Deletes outbox rows sent longer than EVENTS_OUTBOX_RETENTION_HOURS ago, rows rejected longer
   * than EVENTS_OUTBOX_REJECTED_RETENTION_HOURS ago, and inbox ids older than
   * EVENTS_INBOX_RETENTION_HOURS, in batches of 5,000 so no statement holds locks for long. Unsent
   * rows are never deleted. Safe to run on several replicas at once. An aborted `signal` stops it
   * between batches (what is deleted stays deleted; the next run goes on).
   */
  async trimProcessed(signal?: AbortSignal): Promise<TrimResult> {
    const outboxRowsDeleted =
      (await this.drain(signal, (limit) =>
        this.outbox.deleteSentBefore(this.config.eventsOutboxRetentionHours, limit),
      )) +
      (await this.drain(signal, (limit) =>
        this.outbox.deleteRejectedBefore(this.config.eventsOutboxRejectedRetentionHours, limit),
      ));
    const inboxRowsDeleted = await this.drain(signal, (limit) =>
      this.inbox.deleteHandledBefore(this.config.eventsInboxRetentionHours, limit),
    );
    this.logger.log({ msg: 'outbox and inbox trimmed', outboxRowsDeleted, inboxRowsDeleted });
    return { outboxRowsDeleted, inboxRowsDeleted };
  }

  private async drain(
    signal: AbortSignal | undefined,
    deleteBatch: (limit: number) => Promise<number>,
  ): Promise<number> {
    let total = 0;
    for (;;) {
      signal?.throwIfAborted();
      const deleted = await deleteBatch(DELETE_BATCH);
      total += deleted;
      if (deleted < DELETE_BATCH) return total;
    }
  }
}
