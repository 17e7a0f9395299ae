import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, IsUUID, Matches } from 'class-validator';
import { OptionalField } from '../common/optional-field.decorator';
import { ALLOCATION_LIMITS } from './allocation-attributes';

/**
 * `userId` and `tenantId` of a request made for someone: the caller acts for themself unless an
 * admin or a service names another user (and tenant). Request DTOs of the scheduler extend it.
 */
export abstract class ActingForUserFields {
  @ApiPropertyOptional({ format: 'uuid', description: 'Admin or service token only' })
  @OptionalField()
  @IsUUID()
  userId?: string;

  @ApiPropertyOptional({ example: 'default', description: 'Admin or service token only' })
  @OptionalField()
  @IsString()
  @Matches(ALLOCATION_LIMITS.tenantIdPattern, {
    message: 'tenantId must be lower-case letters, digits and -',
  })
  tenantId?: string;
}
