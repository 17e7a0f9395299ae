import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

/** Path parameters of `/devices/:id`. */
export class DeviceIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}
