import { Injectable } from '@nestjs/common';
import { AllocationsRepository } from './allocations.repository';

/**
 * Where allocation times come from. In production the database's clock (one clock for every
 * replica, read inside the statement that records the time); tests replace it to bill exact
 * seconds without waiting.
 */
export abstract class SchedulerClock {
  /** The time now, for jobs that select by it. */
  abstract now(): Promise<Date>;

  /**
   * The time a change made now records, or null: the statement reads the database clock itself,
   * which saves the round trip of asking for it first (the allocate and release paths).
   */
  abstract timeToRecord(): Date | null;
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

  timeToRecord(): null {
    return null;
  }
}
