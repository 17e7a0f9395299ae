import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';

/** Body of an admin `PATCH …/:id/toggle`: switches a provider (or the like) on or off. */
export class ToggleEnabledRequest {
  @ApiProperty()
  @IsBoolean()
  enabled!: boolean;
}
