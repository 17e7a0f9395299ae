import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, IsUrl, Matches, MaxLength, MinLength } from 'class-validator';
import { OptionalField } from '../common/optional-field.decorator';
import { SMS_LIMITS, SMS_PROVIDER_KINDS, type SmsProviderKind } from './sms-attributes';

class SmsProviderFields {
  @ApiPropertyOptional({ example: 'https://5sim.net', description: "The vendor API's base URL" })
  @OptionalField()
  @IsString()
  @MaxLength(2048)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false, disallow_auth: true })
  @Matches(/^[^?#]*$/, { message: 'apiUrl must not carry a query or a fragment' })
  apiUrl?: string;

  @ApiPropertyOptional({ description: 'The vendor API key; stored encrypted, never shown again' })
  @OptionalField()
  @IsString()
  @MinLength(1)
  @MaxLength(SMS_LIMITS.apiKeyMaxLength)
  @Matches(/^[\x21-\x7e]+$/, { message: 'apiKey must be printable ASCII without spaces' })
  apiKey?: string;
}

/** Body of admin `POST /sms/providers`. */
export class CreateSmsProviderRequest extends SmsProviderFields {
  @ApiProperty({ example: '5sim-main' })
  @IsString()
  @Matches(SMS_LIMITS.providerNamePattern, {
    message: 'name must be 1–64 letters, digits, spaces, . _ - (starting with a letter or digit)',
  })
  name!: string;

  @ApiProperty({ enum: SMS_PROVIDER_KINDS })
  @IsIn(SMS_PROVIDER_KINDS)
  kind!: SmsProviderKind;
}

/** Body of admin `PUT /sms/providers/:id`. */
export class UpdateSmsProviderRequest extends SmsProviderFields {}

export class SmsProviderResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ enum: SMS_PROVIDER_KINDS })
  kind!: SmsProviderKind;

  @ApiProperty()
  enabled!: boolean;

  @ApiProperty({ type: String, nullable: true })
  apiUrl!: string | null;

  @ApiProperty()
  hasApiKey!: boolean;

  @ApiProperty({ description: 'Its last health checks answered (sms-provider-health)' })
  healthy!: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastHealthAt!: string | null;

  @ApiProperty({ type: String, nullable: true })
  lastHealthError!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Account balance at the vendor, minor units' })
  balanceMinor!: string | null;

  @ApiProperty({ type: String, nullable: true })
  balanceCurrency!: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Blocked by blacklist-maintenance until',
  })
  blockedUntil!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class SmsProviderTestResponse {
  @ApiProperty()
  ok!: boolean;

  @ApiProperty()
  latencyMs!: number;

  @ApiProperty({ type: String, nullable: true })
  balanceMinor!: string | null;

  @ApiProperty({ type: String, nullable: true })
  error!: string | null;
}

export class SmsProviderPerformanceItem {
  @ApiProperty()
  provider!: string;

  @ApiProperty()
  enabled!: boolean;

  @ApiProperty()
  healthy!: boolean;

  @ApiProperty({ description: 'Numbers users rented from it in the window' })
  numbers!: number;

  @ApiProperty({ description: 'Of those, the ones a code reached' })
  codes!: number;

  @ApiProperty({ description: 'codes / numbers that ended (0–1); 1 without any' })
  successRate!: number;

  @ApiProperty({ type: Number, nullable: true, description: 'Median seconds from rent to code' })
  medianSecondsToCode!: number | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  blockedUntil!: string | null;
}

export class SmsProviderPerformanceResponse {
  @ApiProperty({ type: [SmsProviderPerformanceItem] })
  items!: SmsProviderPerformanceItem[];

  @ApiProperty({ description: 'Hours the figures cover' })
  windowHours!: number;
}

export class SmsStatisticsItem {
  @ApiProperty()
  service!: string;

  @ApiProperty()
  countryCode!: string;

  @ApiProperty()
  numbers!: number;

  @ApiProperty()
  codes!: number;

  @ApiProperty()
  expired!: number;

  @ApiProperty({ example: '1500', description: 'Minor units charged for codes' })
  chargedMinor!: string;

  @ApiProperty({ type: Number, nullable: true })
  medianSecondsToCode!: number | null;

  @ApiProperty({ description: 'Numbers in the warm pool now' })
  pooled!: number;
}

export class SmsStatisticsResponse {
  @ApiProperty({ type: [SmsStatisticsItem] })
  items!: SmsStatisticsItem[];

  @ApiProperty()
  windowHours!: number;

  @ApiProperty({ example: 'USD' })
  currency!: string;
}
