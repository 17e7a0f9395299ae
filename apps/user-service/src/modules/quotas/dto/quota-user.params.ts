import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

/** Path parameters of `/quotas/:userId` routes. */
export class QuotaUserParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  userId!: string;
}
