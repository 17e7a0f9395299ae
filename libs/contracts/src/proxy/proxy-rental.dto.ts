import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { composed } from '../common/composed.decorator';
import { OptionalField } from '../common/optional-field.decorator';
import { ActingForUserFields } from '../device/acting-for-user.fields';
import {
  PROXY_LIMITS,
  PROXY_PROTOCOLS,
  PROXY_TYPES,
  type ProxyProtocol,
  type ProxyRentalEndReason,
  type ProxyType,
} from './proxy-attributes';

const COUNTRY = { message: 'countryCode must be an ISO 3166 alpha-2 code in capitals, e.g. US' };

/** How long the rental keeps this exit: required in acquire and renew. */
const StickyMinutes = (): PropertyDecorator =>
  composed([
    ApiProperty({
      example: 30,
      minimum: PROXY_LIMITS.minStickyMinutes,
      maximum: PROXY_LIMITS.maxStickyMinutes,
      description: 'How long the rental keeps this exit (renewable)',
    }),
    IsInt(),
    Min(PROXY_LIMITS.minStickyMinutes),
    Max(PROXY_LIMITS.maxStickyMinutes),
  ]);

/** Body of `POST /proxy/acquire`: what exit the renter needs, and for how long. */
export class AcquireProxyRequest extends ActingForUserFields {
  @ApiProperty({ example: 'US' })
  @IsString()
  @Matches(PROXY_LIMITS.countryCodePattern, COUNTRY)
  countryCode!: string;

  @ApiPropertyOptional({ enum: PROXY_TYPES, description: 'Any type when absent' })
  @OptionalField()
  @IsIn(PROXY_TYPES)
  type?: ProxyType;

  @ApiPropertyOptional({ enum: PROXY_PROTOCOLS, description: 'Any protocol when absent' })
  @OptionalField()
  @IsIn(PROXY_PROTOCOLS)
  protocol?: ProxyProtocol;

  @ApiPropertyOptional({ example: 'New York', description: 'Exact city, when the renter needs one' })
  @OptionalField()
  @IsString()
  @MaxLength(PROXY_LIMITS.cityMaxLength)
  @Matches(/^[^\p{Cc}]+$/u, { message: 'city must not contain control characters' })
  city?: string;

  @StickyMinutes()
  stickyMinutes!: number;

  @ApiPropertyOptional({
    format: 'uuid',
    description: "One of the renter's active allocations: the rental ends with it",
  })
  @OptionalField()
  @IsUUID()
  allocationId?: string;
}

/** Body of `POST /proxy/:id/renew`. */
export class RenewProxyRequest {
  @StickyMinutes()
  stickyMinutes!: number;
}

/** Body of `POST /proxy/batch/release`. */
export class ProxyBatchReleaseRequest {
  @ApiProperty({ type: [String], format: 'uuid', minItems: 1, maxItems: PROXY_LIMITS.batchMax })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(PROXY_LIMITS.batchMax)
  @IsUUID(undefined, { each: true })
  ids!: string[];
}

/** Where and how to connect: only in the answers a renter gets while the rental is live. */
export class ProxyConnectionResponse {
  @ApiProperty({ example: '198.51.100.7' })
  host!: string;

  @ApiProperty({ example: 8080 })
  port!: number;

  @ApiProperty({ enum: PROXY_PROTOCOLS })
  protocol!: ProxyProtocol;

  @ApiProperty({ type: String, nullable: true })
  username!: string | null;

  @ApiProperty({ type: String, nullable: true })
  password!: string | null;
}

export class ProxyRentalResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  proxyId!: string;

  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty()
  tenantId!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  allocationId!: string | null;

  @ApiProperty({ example: 'simulated' })
  provider!: string;

  @ApiProperty({ example: 'US' })
  countryCode!: string;

  @ApiProperty({ type: String, nullable: true })
  city!: string | null;

  @ApiProperty({ enum: PROXY_TYPES })
  type!: ProxyType;

  @ApiProperty({ enum: ['active', 'ended'] })
  status!: 'active' | 'ended';

  @ApiProperty({ format: 'date-time' })
  startedAt!: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  endedAt!: string | null;

  @ApiProperty({ type: String, nullable: true })
  endReason!: ProxyRentalEndReason | null;

  @ApiProperty({ example: '1300000', description: 'Micro-minor units per hour (1,000,000 = 1 cent)' })
  pricePerHourMicros!: string;

  @ApiProperty({ example: '520000000', description: 'Micro-minor units per GB' })
  pricePerGbMicros!: string;

  @ApiProperty({ example: 'USD' })
  currency!: string;

  @ApiPropertyOptional({ type: ProxyConnectionResponse, description: 'While the rental is active' })
  connection?: ProxyConnectionResponse;
}

/** `GET /proxy/:id/usage`: the rental's duration, traffic and price so far (or as charged). */
export class ProxyRentalUsageResponse {
  @ApiProperty({ format: 'uuid' })
  rentalId!: string;

  @ApiProperty({ example: 1800 })
  seconds!: number;

  @ApiProperty({ type: String, nullable: true, description: 'Bytes, when the vendor reports them per proxy' })
  bytesUsed!: string | null;

  @ApiProperty({ example: '65', description: 'Minor units: charged, or what it costs so far' })
  amountMinor!: string;

  @ApiProperty({ example: 'USD' })
  currency!: string;

  @ApiProperty({ description: 'Whether the charge went to billing (after the rental ended)' })
  charged!: boolean;
}

export class ProxyBatchReleaseItem {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  ok!: boolean;

  @ApiPropertyOptional({ type: ProxyRentalResponse })
  rental?: ProxyRentalResponse;

  @ApiPropertyOptional({ example: 'PROXY_RENTAL_NOT_FOUND' })
  code?: string;

  @ApiPropertyOptional()
  message?: string;
}

export class ProxyBatchReleaseResponse {
  @ApiProperty({ type: [ProxyBatchReleaseItem] })
  items!: ProxyBatchReleaseItem[];
}
