import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

/** `?hours=` of the usage-trend routes: 1–168 (samples are kept a week), default 24. */
export class UsageTrendQuery {
  // type: the initializer gives the property no annotation, and tsc then records its design type as Object.
  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 168, default: 24 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(168)
  hours = 24;
}
