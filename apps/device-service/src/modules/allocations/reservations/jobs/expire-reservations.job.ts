import { Injectable, Logger } from '@nestjs/common';
import { ClusterSafeCron } from '@cloudphone/shared';
import { ReservationScheduleUseCase } from '../reservation-schedule.use-case';

/** No-shows become `missed` and abandoned bookings `refused`; both give their slot and quota back. */
@Injectable()
export class ExpireReservationsJob {
  private readonly logger = new Logger(ExpireReservationsJob.name);

  constructor(private readonly schedule: ReservationScheduleUseCase) {}

  @ClusterSafeCron('* * * * *', { name: 'expire-reservations', maxRunMs: 55_000, jitterMs: 3000 })
  async expire(): Promise<void> {
    const ended = await this.schedule.expireDue();
    if (ended > 0) this.logger.log({ msg: 'reservations expired', ended });
  }
}
