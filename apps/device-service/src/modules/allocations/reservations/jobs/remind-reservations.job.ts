import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext } from '@cloudphone/shared';
import { ReservationScheduleUseCase } from '../reservation-schedule.use-case';

/** `reservation.reminder` RESERVATION_REMINDER_MINUTES before each start, once per reservation. */
@Injectable()
export class RemindReservationsJob {
  private readonly logger = new Logger(RemindReservationsJob.name);

  constructor(private readonly schedule: ReservationScheduleUseCase) {}

  @ClusterSafeCron('* * * * *', { name: 'remind-reservations', maxRunMs: 55_000, jitterMs: 2000 })
  async remind({ signal }: CronRunContext): Promise<void> {
    const reminded = await this.schedule.remindDue(signal);
    if (reminded > 0) this.logger.log({ msg: 'reservation reminders published', reminded });
  }
}
