import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsString,
  Length,
  Matches,
} from 'class-validator';
import { IsEventTime } from '../events/event-payload-fields';
import { OptionalField } from '../common/optional-field.decorator';
import { API_KEY_SCOPES, USER_FIELD_LIMITS } from './user-attributes';

/** Body of `POST /auth/api-keys`. */
export class CreateApiKeyRequest {
  @ApiProperty({ example: 'ci-farm', maxLength: 100 })
  @IsString()
  @Length(1, 100)
  // \P{Cc}: no control character (NUL, tabs, newlines, DEL, C1) in a name that lists and logs show.
  @Matches(/^\P{Cc}+$/u, { message: 'name must not contain control characters' })
  name!: string;

  @ApiProperty({ enum: API_KEY_SCOPES, isArray: true, example: ['scheduler:write', 'billing:read'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(API_KEY_SCOPES.length)
  @ArrayUnique()
  @IsIn(API_KEY_SCOPES, { each: true })
  scopes!: string[];

  @ApiPropertyOptional({ format: 'date-time', description: 'When the key stops working; never if absent' })
  @OptionalField()
  @IsEventTime()
  expiresAt?: string;
}

/** An API key as lists show it: never the secret. */
export class ApiKeyResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ example: 'cpk_Xy3k', description: "The key's first characters" })
  prefix!: string;

  @ApiProperty({ enum: API_KEY_SCOPES, isArray: true })
  scopes!: string[];

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  expiresAt!: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  lastUsedAt!: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  revokedAt!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

/** Answer of `POST /auth/api-keys`: the only time the key itself is shown. */
export class CreatedApiKeyResponse extends ApiKeyResponse {
  @ApiProperty({ description: 'Send as `Authorization: Bearer <key>`; shown once' })
  key!: string;
}

/** Body of the service-only `POST /auth/api-keys/introspect`. */
export class ApiKeyIntrospectionRequest {
  @ApiProperty()
  @IsString()
  @Length(1, USER_FIELD_LIMITS.tokenMaxLength)
  key!: string;
}

/** Who a valid key acts for: its owner (without the admin role) within its scopes. */
export class ApiKeyIntrospectionResponse {
  @ApiProperty({ format: 'uuid' })
  keyId!: string;

  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty()
  tenantId!: string;

  @ApiProperty({ isArray: true, type: String })
  roles!: string[];

  @ApiProperty({ enum: API_KEY_SCOPES, isArray: true })
  scopes!: string[];

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  expiresAt!: string | null;
}
