import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';

/** Query of the webhook routes: whose endpoints (admins and services only; services must). */
export class WebhooksQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Whose endpoints (admins and services only)' })
  @IsOptional()
  @IsUUID()
  userId?: string;
}
