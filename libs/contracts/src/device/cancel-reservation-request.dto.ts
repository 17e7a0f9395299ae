import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { OptionalField } from '../common/optional-field.decorator';
import { RESERVATION_TEXT_MAX_LENGTH } from './reservation-attributes';

/** Body of `POST /scheduler/reservations/:id/cancel` (may be empty). */
export class CancelReservationRequest {
  @ApiPropertyOptional({ example: 'run moved to Friday', maxLength: RESERVATION_TEXT_MAX_LENGTH })
  @OptionalField()
  @IsString()
  @MaxLength(RESERVATION_TEXT_MAX_LENGTH)
  reason?: string;
}
