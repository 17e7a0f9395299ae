import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601 } from 'class-validator';
import { OptionalField } from '../common/optional-field.decorator';

/** Body of `PUT /scheduler/reservations/:id`: move or resize the slot (at least one field). */
export class UpdateReservationRequest {
  @ApiPropertyOptional({ format: 'date-time' })
  @OptionalField()
  @IsISO8601({ strict: true, strictSeparator: true })
  startAt?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @OptionalField()
  @IsISO8601({ strict: true, strictSeparator: true })
  endAt?: string;
}
