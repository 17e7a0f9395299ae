import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsString,
  IsUUID,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { OptionalField } from '../common/optional-field.decorator';
import { ActingForUserFields } from '../device/acting-for-user.fields';
import {
  SMS_LIMITS,
  SMS_NUMBER_STATUSES,
  type SmsNumberEndReason,
  type SmsNumberStatus,
} from './sms-attributes';

/** Body of `POST /sms/numbers`: a number to receive one service's code in one country. */
export class RentNumberRequest extends ActingForUserFields {
  @ApiProperty({ example: 'telegram', description: 'The service whose code is expected (lower case)' })
  @IsString()
  @Matches(SMS_LIMITS.servicePattern, { message: 'service must be 1–40 lower-case letters, digits or _' })
  service!: string;

  @ApiProperty({ example: 'GB' })
  @IsString()
  @Matches(SMS_LIMITS.countryCodePattern, {
    message: 'countryCode must be an ISO 3166 alpha-2 code in capitals',
  })
  countryCode!: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: "One of the renter's active allocations: the number ends with it",
  })
  @OptionalField()
  @IsUUID()
  allocationId?: string;
}

/** Body of `POST /sms/numbers/batch`. */
export class RentNumbersBatchRequest {
  @ApiProperty({ type: [RentNumberRequest], minItems: 1, maxItems: SMS_LIMITS.batchMax })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SMS_LIMITS.batchMax)
  @ValidateNested({ each: true })
  @Type(() => RentNumberRequest)
  items!: RentNumberRequest[];
}

/** Query of `GET /sms/numbers/:id/code`. */
export class WaitForCodeQuery {
  @ApiPropertyOptional({ minimum: 0, maximum: SMS_LIMITS.maxWaitSeconds, default: 0 })
  @OptionalField()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(SMS_LIMITS.maxWaitSeconds)
  waitSeconds?: number;
}

export class SmsNumberResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: '+447700900123' })
  phoneNumber!: string;

  @ApiProperty({ example: 'telegram' })
  service!: string;

  @ApiProperty({ example: 'GB' })
  countryCode!: string;

  @ApiProperty({ example: 'simulated' })
  provider!: string;

  @ApiProperty({ enum: SMS_NUMBER_STATUSES })
  status!: SmsNumberStatus;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  userId!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  allocationId!: string | null;

  @ApiProperty({ example: '50', description: 'Minor units charged when (and only if) a code arrives' })
  priceMinor!: string;

  @ApiProperty({ example: 'USD' })
  currency!: string;

  @ApiProperty({ type: String, nullable: true, example: '51234' })
  code!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  codeReceivedAt!: string | null;

  @ApiProperty({ format: 'date-time', description: 'When the provider ends the number by itself' })
  expiresAt!: string;

  @ApiProperty({ type: String, nullable: true })
  endReason!: SmsNumberEndReason | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

/** `GET /sms/numbers/:id/code`: the code, or null when it has not come (yet). */
export class SmsCodeResponse {
  @ApiProperty({ format: 'uuid' })
  numberId!: string;

  @ApiProperty({ enum: SMS_NUMBER_STATUSES })
  status!: SmsNumberStatus;

  @ApiProperty({ type: String, nullable: true })
  code!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  codeReceivedAt!: string | null;
}

export class SmsMessageResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  numberId!: string;

  @ApiProperty({ example: '+447700900123' })
  phoneNumber!: string;

  @ApiProperty({ example: 'telegram' })
  service!: string;

  @ApiProperty({ type: String, nullable: true })
  sender!: string | null;

  @ApiProperty()
  text!: string;

  @ApiProperty({ type: String, nullable: true })
  code!: string | null;

  @ApiProperty({ format: 'date-time' })
  receivedAt!: string;
}

export class SmsMessagesResponse {
  @ApiProperty({ type: [SmsMessageResponse] })
  items!: SmsMessageResponse[];
}

export class RentNumbersBatchItem {
  @ApiProperty()
  index!: number;

  @ApiProperty()
  ok!: boolean;

  @ApiPropertyOptional({ type: SmsNumberResponse })
  number?: SmsNumberResponse;

  @ApiPropertyOptional({ example: 'NO_NUMBER_AVAILABLE' })
  code?: string;

  @ApiPropertyOptional()
  message?: string;
}

export class RentNumbersBatchResponse {
  @ApiProperty({ type: [RentNumbersBatchItem] })
  items!: RentNumbersBatchItem[];
}
