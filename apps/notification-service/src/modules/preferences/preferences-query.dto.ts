import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';

/** Query of the preference routes: whose preferences (admins and services only; services must). */
export class PreferencesQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Whose preferences (admins and services only)' })
  @IsOptional()
  @IsUUID()
  userId?: string;
}
