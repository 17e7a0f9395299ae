import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { USER_TIERS, type UserTier } from '../user/user-attributes';
import { ExtensionPolicy } from './extension-policy.dto';

/** Why an allocation cannot be extended now (the code an extend call would be refused with). */
export class ExtensionRefusal {
  @ApiProperty({ example: 'EXTENSION_COOLDOWN' })
  code!: string;

  @ApiProperty({ example: 'The last extension was less than 5 minutes ago' })
  message!: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When this reason stops applying, if time alone lifts it (cooldown, window)',
  })
  retryAt?: string;
}

/** The live claim (a reservation) that limits how far an allocation can be extended. */
export class ExtensionLimitingClaim {
  @ApiProperty({ format: 'uuid', description: 'The reservation (or allocation) holding the device next' })
  id!: string;

  @ApiProperty({ format: 'date-time', description: 'Where it starts: the latest end an extension can reach' })
  startsAt!: string;
}

/** Answer of `GET /scheduler/allocations/:id/extend-info`. */
export class ExtendInfoResponse {
  @ApiProperty({ format: 'uuid' })
  allocationId!: string;

  @ApiProperty({ description: 'Whether an extend call made now could succeed (balance not included)' })
  extendable!: boolean;

  @ApiProperty({ example: 60, description: 'The longest extension allowed now (0 when not extendable)' })
  maxAdditionalMinutes!: number;

  @ApiProperty({ type: ExtensionRefusal, nullable: true })
  refusal!: ExtensionRefusal | null;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;

  @ApiProperty({ enum: USER_TIERS })
  tier!: UserTier;

  @ApiProperty({ type: ExtensionPolicy })
  policy!: ExtensionPolicy;

  @ApiProperty({ example: 1 })
  extensionCount!: number;

  @ApiProperty({ example: 30 })
  extendedMinutes!: number;

  @ApiProperty({ type: ExtensionLimitingClaim, nullable: true })
  nextClaim!: ExtensionLimitingClaim | null;
}
