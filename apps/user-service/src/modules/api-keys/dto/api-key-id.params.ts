import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

/** Path parameters of `/auth/api-keys/:id`. */
export class ApiKeyIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}
