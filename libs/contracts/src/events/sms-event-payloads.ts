import { IsString, IsUUID, Matches, MaxLength, ValidateIf } from 'class-validator';
import { SMS_LIMITS } from '../sms-receive/sms-attributes';
import { IsEventTime } from './event-payload-fields';
import { UserEventData } from './event-payloads';

/** Which rented number an event is about, whose, and the allocation it is bound to. */
abstract class SmsNumberEventData extends UserEventData {
  @IsUUID()
  numberId!: string;

  @Matches(/^\+[1-9]\d{6,14}$/, { message: '$property must be an E.164 number' })
  phoneNumber!: string;

  @Matches(SMS_LIMITS.servicePattern, { message: '$property must be a service name' })
  service!: string;

  @Matches(/^[A-Z]{2}$/, { message: '$property must be an ISO 3166 alpha-2 code' })
  countryCode!: string;

  /** The allocation the number is bound to: present, and null when it is not bound. */
  @ValidateIf((_data: object, value: unknown) => value !== null)
  @IsUUID(undefined, { message: '$property must be a UUID or null' })
  allocationId!: string | null;
}

/** `sms.code_received` v1: the first code reached a user's number (and was charged, once). */
export class SmsCodeReceivedEventData extends SmsNumberEventData {
  @IsString()
  @Matches(/^[A-Za-z0-9-]{1,32}$/, { message: '$property must be a code of letters, digits or -' })
  code!: string;

  @IsString()
  @MaxLength(2000)
  text!: string;

  @IsEventTime()
  receivedAt!: string;
}

/** `sms.number_expired` v1: a user's number ended without a code; it was cancelled and cost nothing. */
export class SmsNumberExpiredEventData extends SmsNumberEventData {
  @IsEventTime()
  expiredAt!: string;
}
