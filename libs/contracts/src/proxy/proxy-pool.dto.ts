import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { composed } from '../common/composed.decorator';
import { OptionalField } from '../common/optional-field.decorator';
import {
  PROXY_LIMITS,
  PROXY_POOL_STATES,
  PROXY_PROTOCOLS,
  PROXY_STATUSES,
  PROXY_TYPES,
  type ProxyPoolState,
  type ProxyProtocol,
  type ProxyStatus,
  type ProxyType,
} from './proxy-attributes';

const NO_CONTROL = /^[^\p{Cc}]+$/u;

/** A rate in micro-minor units, optional on update. */
export const RateMicrosField = (description: string, optional: boolean): PropertyDecorator =>
  composed([
    optional
      ? ApiPropertyOptional({
          example: 1_000_000,
          minimum: 0,
          maximum: PROXY_LIMITS.maxRateMicros,
          description,
        })
      : ApiProperty({ example: 1_000_000, minimum: 0, maximum: PROXY_LIMITS.maxRateMicros, description }),
    ...(optional ? [OptionalField()] : []),
    IsInt(),
    Min(0),
    Max(PROXY_LIMITS.maxRateMicros),
  ]);

/** Fields create and update share, all optional. */
class ProxyFields {
  @ApiPropertyOptional({ example: 'New York' })
  @OptionalField()
  @IsString()
  @MinLength(1)
  @MaxLength(PROXY_LIMITS.cityMaxLength)
  @Matches(NO_CONTROL, { message: 'city must not contain control characters' })
  city?: string;

  @RateMicrosField('What an hour of this proxy costs the platform; default: its provider’s', true)
  costPerHourMicros?: number;

  @RateMicrosField('What a GB through this proxy costs the platform; default: its provider’s', true)
  costPerGbMicros?: number;

  @ApiPropertyOptional({ example: 'user-1' })
  @OptionalField()
  @IsString()
  @MinLength(1)
  @MaxLength(PROXY_LIMITS.credentialMaxLength)
  @Matches(NO_CONTROL, { message: 'username must not contain control characters' })
  username?: string;

  @ApiPropertyOptional({ example: 'secret' })
  @OptionalField()
  @IsString()
  @MinLength(1)
  @MaxLength(PROXY_LIMITS.credentialMaxLength)
  @Matches(NO_CONTROL, { message: 'password must not contain control characters' })
  password?: string;
}

/** Body of admin `POST /proxy/pool`. */
export class CreateProxyRequest extends ProxyFields {
  @ApiProperty({ example: 'office-proxies', description: 'The name of an existing provider' })
  @IsString()
  @Matches(PROXY_LIMITS.providerNamePattern, { message: 'provider must be a provider name' })
  provider!: string;

  @ApiProperty({ example: '198.51.100.7' })
  @IsString()
  @Matches(PROXY_LIMITS.hostPattern, { message: 'host must be a hostname or an IP address' })
  host!: string;

  @ApiProperty({ example: 8080, minimum: 1, maximum: 65535 })
  @IsInt()
  @Min(1)
  @Max(65535)
  port!: number;

  @ApiProperty({ enum: PROXY_PROTOCOLS })
  @IsIn(PROXY_PROTOCOLS)
  protocol!: ProxyProtocol;

  @ApiProperty({ example: 'US' })
  @IsString()
  @Matches(PROXY_LIMITS.countryCodePattern, {
    message: 'countryCode must be an ISO 3166 alpha-2 code in capitals',
  })
  countryCode!: string;

  @ApiProperty({ enum: PROXY_TYPES })
  @IsIn(PROXY_TYPES)
  type!: ProxyType;
}

/** Body of admin `PUT /proxy/pool/:id`: any of city, costs, credentials. */
export class UpdateProxyRequest extends ProxyFields {}

/** A proxy as admins see it: no credentials, only whether it has them. */
export class ProxyResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  provider!: string;

  @ApiProperty()
  host!: string;

  @ApiProperty()
  port!: number;

  @ApiProperty({ enum: PROXY_PROTOCOLS })
  protocol!: ProxyProtocol;

  @ApiProperty()
  countryCode!: string;

  @ApiProperty({ type: String, nullable: true })
  city!: string | null;

  @ApiProperty({ enum: PROXY_TYPES })
  type!: ProxyType;

  @ApiProperty({ enum: PROXY_STATUSES })
  status!: ProxyStatus;

  @ApiProperty({
    enum: PROXY_POOL_STATES,
    description: 'status, or quarantined while quarantinedUntil is ahead',
  })
  state!: ProxyPoolState;

  @ApiProperty({ minimum: 0, maximum: 100 })
  qualityScore!: number;

  @ApiProperty({ example: '1000000' })
  costPerHourMicros!: string;

  @ApiProperty({ example: '400000000' })
  costPerGbMicros!: string;

  @ApiProperty()
  hasCredentials!: boolean;

  @ApiProperty({ type: String, nullable: true })
  externalId!: string | null;

  @ApiProperty()
  consecutiveFailures!: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  quarantinedUntil!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastProbeAt!: string | null;

  @ApiProperty({ type: Boolean, nullable: true })
  lastProbeOk!: boolean | null;

  @ApiProperty({ type: Number, nullable: true })
  lastLatencyMs!: number | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

/** `POST /proxy/test/:id`: one probe's outcome and what it did to the proxy. */
export class ProxyProbeResponse {
  @ApiProperty({ format: 'uuid' })
  proxyId!: string;

  @ApiProperty()
  ok!: boolean;

  @ApiProperty()
  latencyMs!: number;

  @ApiProperty({ type: String, nullable: true })
  error!: string | null;

  @ApiProperty()
  consecutiveFailures!: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  quarantinedUntil!: string | null;
}
