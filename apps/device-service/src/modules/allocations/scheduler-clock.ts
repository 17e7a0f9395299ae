import { Injectable } from '@nestjs/common';
import { queryRows } from '@cloudphone/shared';
import type { EntityManager } from 'typeorm';

/**
 * Where allocation times come from. In production the database's clock (one clock for every
 * replica, read inside the transaction that records the time); tests replace it to bill exact
 * seconds without waiting.
 */
export abstract class SchedulerClock {
  abstract now(manager: EntityManager): Promise<Date>;
}

/** The database's transaction time, to the millisecond. */
@Injectable()
export class DatabaseClock extends SchedulerClock {
  async now(manager: EntityManager): Promise<Date> {
    const [row] = await queryRows<{ now: Date }>(manager, `SELECT date_trunc('milliseconds', now()) AS now`);
    return row.now;
  }
}
