import { CronExpressionParser } from 'cron-parser';

/**
 * A cron expression (5 fields, or 6 with seconds first) read in a time zone. Fire times are epoch
 * milliseconds; `nextAfter` is strictly after its argument.
 */
export class CronSchedule {
  constructor(
    readonly expression: string,
    readonly timeZone: string,
  ) {
    // cron-parser only rejects an unknown zone when computing a date, so compute one now.
    this.nextAfter(Date.now());
  }

  nextAfter(epochMs: number): number {
    return CronExpressionParser.parse(this.expression, { currentDate: new Date(epochMs), tz: this.timeZone })
      .next()
      .getTime();
  }

  /** The latest fire time at or before `epochMs`. */
  latestAtOrBefore(epochMs: number): number {
    return CronExpressionParser.parse(this.expression, {
      currentDate: new Date(epochMs + 1),
      tz: this.timeZone,
    })
      .prev()
      .getTime();
  }
}
