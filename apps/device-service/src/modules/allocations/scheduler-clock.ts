import { Injectable } from '@nestjs/common';
import { AllocationsRepository } from './allocations.repository';

/**
 * Where allocation times come from. In production the database's clock (one clock for every
 * replica, read inside the transaction that records the time); tests replace it to bill exact
 * seconds without waiting.
 */
export abstract class SchedulerClock {
  abstract now(): Promise<Date>;
}

/** The database's transaction time, to the millisecond. */
@Injectable()
export class DatabaseClock extends SchedulerClock {
  constructor(private readonly allocations: AllocationsRepository) {
    super();
  }

  now(): Promise<Date> {
    return this.allocations.now();
  }
}
