import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron, type CronRunContext } from '@cloudphone/shared';
import { ReservationScheduleUseCase } from '../reservation-schedule.use-case';

/** Turns due reservations into active allocations, each exactly once (ReservationScheduleUseCase.activateDue). */
@Injectable()
export class ActivateReservationsJob {
  private readonly logger = new Logger(ActivateReservationsJob.name);

  constructor(private readonly schedule: ReservationScheduleUseCase) {}

  @ClusterSafeCron('* * * * *', { name: 'activate-reservations', maxRunMs: 55_000 })
  async activate({ signal, scheduledAt }: CronRunContext): Promise<void> {
    const activated = await this.schedule.activateDue(signal);
    if (activated > 0)
      this.logger.log({ msg: 'reservations activated', activated, tick: scheduledAt.toISOString() });
  }
}
