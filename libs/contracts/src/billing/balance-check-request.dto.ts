import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsUUID, Max, Min } from 'class-validator';
import { BILLING_FIELD_MAX } from './billing-limits';

/** Body of `POST /billing/balance/check`: would the balance pay for this device spec for this long? */
export class BalanceCheckRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  userId!: string;

  @ApiProperty({ example: 3600, minimum: 1, maximum: BILLING_FIELD_MAX.seconds })
  @IsInt()
  @Min(1)
  @Max(BILLING_FIELD_MAX.seconds)
  durationSeconds!: number;

  @ApiProperty({ example: 4, minimum: 0 })
  @IsInt()
  @Min(0)
  @Max(BILLING_FIELD_MAX.cpuCores)
  cpuCores!: number;

  @ApiProperty({ example: 8192, minimum: 0 })
  @IsInt()
  @Min(0)
  @Max(BILLING_FIELD_MAX.memoryMb)
  memoryMb!: number;

  @ApiProperty({ example: 64, minimum: 0 })
  @IsInt()
  @Min(0)
  @Max(BILLING_FIELD_MAX.storageGb)
  storageGb!: number;
}
