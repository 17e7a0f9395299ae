import { IsIn, IsString, IsUUID, Matches, ValidateIf } from 'class-validator';
import {
  PROXY_RENTAL_END_REASONS,
  PROXY_TYPES,
  type ProxyRentalEndReason,
  type ProxyType,
} from '../proxy/proxy-attributes';
import { IsEventTime } from './event-payload-fields';
import { UserEventData } from './event-payloads';

/** Which rental an event is about: whose, which proxy, and the allocation it is bound to. */
abstract class ProxyRentalEventData extends UserEventData {
  @IsUUID()
  rentalId!: string;

  @IsUUID()
  proxyId!: string;

  /** The allocation the rental is bound to: present, and null when it is not bound. */
  @ValidateIf((_data: object, value: unknown) => value !== null)
  @IsUUID(undefined, { message: '$property must be a UUID or null' })
  allocationId!: string | null;

  @IsString()
  @Matches(/^[A-Z]{2}$/, { message: '$property must be an ISO 3166 alpha-2 code' })
  countryCode!: string;

  @IsIn(PROXY_TYPES)
  type!: ProxyType;
}

/** `proxy.acquired` v1: a user rented a proxy; it keeps its exit until `expiresAt` unless renewed. */
export class ProxyAcquiredEventData extends ProxyRentalEventData {
  @IsEventTime()
  startedAt!: string;

  @IsEventTime()
  expiresAt!: string;
}

/** `proxy.released` v1: a rental ended (released, expired, its allocation or user gone, proxy retired). */
export class ProxyReleasedEventData extends ProxyRentalEventData {
  @IsEventTime()
  startedAt!: string;

  @IsEventTime()
  endedAt!: string;

  @IsIn(PROXY_RENTAL_END_REASONS)
  reason!: ProxyRentalEndReason;
}
