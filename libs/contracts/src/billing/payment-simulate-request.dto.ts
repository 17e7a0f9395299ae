import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { SIMULATED_PAYMENT_OUTCOMES, type SimulatedPaymentOutcome } from './payment-attributes';

/** Body of `POST /billing/payments/:id/simulate` (simulated provider only). */
export class PaymentSimulateRequest {
  @ApiProperty({ enum: SIMULATED_PAYMENT_OUTCOMES })
  @IsIn(SIMULATED_PAYMENT_OUTCOMES)
  outcome!: SimulatedPaymentOutcome;
}
