import {
  IsIn,
  IsInt,
  IsNotEmpty,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { CURRENCY_PATTERN, MINOR_UNITS_PATTERN } from '../common/money';
import { ALLOCATION_END_REASONS, ALLOCATION_LIMITS } from '../device/allocation-attributes';
import { type DeviceSpec, IsDeviceSpecValue } from '../device/device-spec';
import { USER_TIERS, type UserTier } from '../user/user-attributes';
import { EVENT_FIELD_LIMITS, IsEventTime } from './event-payload-fields';

/*
 * The `data` of each domain event, one class per event and version: the type publishers build and
 * handlers receive, and the class-validator schema both sides check it against (the publisher
 * before it stores the event, the consumer before its handlers run). Times are ISO-8601 date-times
 * from the publisher's database clock; money is integer minor units as a decimal string; ids are
 * uuids. Only declared fields are checked: a publisher may add an optional field without a new
 * version, and older consumers must keep accepting it.
 */

const MONEY = { message: '$property must be integer minor units as a decimal string' };
const CURRENCY = { message: '$property must be an ISO 4217 currency code' };
const FENCING_TOKEN = { message: '$property must be a positive integer as a decimal string' };

/** Whose event it is: the user and their tenant (fields every user-facing event carries). */
export abstract class UserEventData {
  @IsUUID()
  userId!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(EVENT_FIELD_LIMITS.nameMaxLength)
  tenantId!: string;
}

/** Which allocation an event is about, on which device (plus whose it is). */
abstract class AllocationEventData extends UserEventData {
  @IsUUID()
  allocationId!: string;

  @IsUUID()
  deviceId!: string;
}

/** `device.allocated` v1: an allocation started; the user holds the device until `expiresAt`. */
export class DeviceAllocatedEventData extends AllocationEventData implements DeviceSpec {
  @IsString()
  @IsNotEmpty()
  @MaxLength(EVENT_FIELD_LIMITS.nameMaxLength)
  region!: string;

  // The allocated device's spec, copied from its `devices` row, whose CHECKs are these bounds.
  @IsDeviceSpecValue('cpuCores')
  cpuCores!: number;

  @IsDeviceSpecValue('memoryMb')
  memoryMb!: number;

  @IsDeviceSpecValue('storageGb')
  storageGb!: number;

  @IsEventTime()
  startedAt!: string;

  @IsEventTime()
  expiresAt!: string;

  /** Per-device claim number; a consumer may ignore anything older than what it has seen. */
  @Matches(EVENT_FIELD_LIMITS.fencingTokenPattern, FENCING_TOKEN)
  fencingToken!: string;
}

/** Why an allocation ended (the `reason` of `device.released`; ALLOCATION_END_REASONS lists them). */
export type AllocationEndReason =
  'released' | 'expired' | 'user_deleted' | 'user_suspended' | 'account_overdue' | 'device_failed' | 'admin';

/** `device.released` v1: an allocation ended other than by expiry, billed to the second. */
export class DeviceReleasedEventData extends AllocationEventData {
  @IsEventTime()
  startedAt!: string;

  @IsEventTime()
  endedAt!: string;

  @IsInt()
  @Min(0)
  @Max(EVENT_FIELD_LIMITS.intMax)
  billedSeconds!: number;

  @IsIn(ALLOCATION_END_REASONS)
  reason!: AllocationEndReason;

  @Matches(EVENT_FIELD_LIMITS.fencingTokenPattern, FENCING_TOKEN)
  fencingToken!: string;
}

/** `allocation.expiring` v1: an allocation ends in `minutesLeft` minutes unless extended. */
export class AllocationExpiringEventData extends AllocationEventData {
  @IsEventTime()
  expiresAt!: string;

  @IsInt()
  @Min(0)
  @Max(ALLOCATION_LIMITS.maxDurationMinutes)
  minutesLeft!: number;
}

/** `allocation.extended` v1: an active allocation's end moved later (billed to the second as ever). */
export class AllocationExtendedEventData extends AllocationEventData {
  @IsUUID()
  extensionId!: string;

  @IsInt()
  @Min(1)
  @Max(ALLOCATION_LIMITS.maxDurationMinutes)
  additionalMinutes!: number;

  @IsEventTime()
  previousExpiresAt!: string;

  @IsEventTime()
  expiresAt!: string;

  /** How many times the allocation has been extended, this one included. */
  @IsInt()
  @Min(1)
  @Max(EVENT_FIELD_LIMITS.intMax)
  sequence!: number;
}

/**
 * `allocation.moved` v1: the allocation's device failed and the allocation moved to `deviceId` (a
 * healthy device of the same spec or the nearest larger), same allocation, same times, same bill; a
 * new fencing token and new access.
 */
export class AllocationMovedEventData extends AllocationEventData {
  @IsUUID()
  fromDeviceId!: string;

  /** The new claim's fencing token: access of the old one no longer works. */
  @Matches(EVENT_FIELD_LIMITS.fencingTokenPattern, FENCING_TOKEN)
  fencingToken!: string;

  @IsEventTime()
  expiresAt!: string;
}

/** `allocation.expired` v1: an allocation reached its end and was billed. */
export class AllocationExpiredEventData extends AllocationEventData {
  @IsEventTime()
  startedAt!: string;

  @IsEventTime()
  expiredAt!: string;

  @IsInt()
  @Min(0)
  @Max(EVENT_FIELD_LIMITS.intMax)
  billedSeconds!: number;
}

/** Which reservation an event is about: its slot on its device (plus whose it is). */
abstract class ReservationEventData extends UserEventData {
  @IsUUID()
  reservationId!: string;

  @IsUUID()
  deviceId!: string;

  @IsEventTime()
  startAt!: string;

  @IsEventTime()
  endAt!: string;
}

/** `reservation.confirmed` v1: a slot was booked (quota reserved, balance checked). */
export class ReservationConfirmedEventData extends ReservationEventData {}

/** `reservation.reminder` v1: a confirmed reservation starts in `minutesLeft` minutes. */
export class ReservationReminderEventData extends ReservationEventData {
  @IsInt()
  @Min(0)
  @Max(ALLOCATION_LIMITS.maxDurationMinutes)
  minutesLeft!: number;
}

/** `reservation.cancelled` v1: a reservation was cancelled; its slot is free and its quota back. */
export class ReservationCancelledEventData extends ReservationEventData {
  /** Seconds of the slot billed for cancelling late (0 when free). */
  @IsInt()
  @Min(0)
  @Max(EVENT_FIELD_LIMITS.intMax)
  feeSeconds!: number;
}

/** `reservation.missed` v1: a reservation could not start in time (no-show); what it held is released. */
export class ReservationMissedEventData extends ReservationEventData {
  @IsString()
  @IsNotEmpty()
  @MaxLength(EVENT_FIELD_LIMITS.nameMaxLength)
  reason!: string;
}

/** Which queue entry an event is about (plus whose it is). */
abstract class QueueEventData extends UserEventData {
  @IsUUID()
  entryId!: string;

  @IsInt()
  @Min(0)
  @Max(EVENT_FIELD_LIMITS.intMax)
  waitedSeconds!: number;
}

/** `queue.fulfilled` v1: a queue entry got its device: the allocation is active. */
export class QueueFulfilledEventData extends QueueEventData {
  @IsUUID()
  allocationId!: string;

  @IsUUID()
  deviceId!: string;
}

/** `queue.expired` v1: a queue entry waited its maxWaitMinutes without a device. */
export class QueueExpiredEventData extends QueueEventData {}

/** `queue.refused` v1: a device was free for the entry, but quota, balance or the account said no. */
export class QueueRefusedEventData extends QueueEventData {
  @Matches(/^[A-Z][A-Z0-9_]*$/, { message: '$property must be an error code' })
  @MaxLength(EVENT_FIELD_LIMITS.nameMaxLength)
  code!: string;
}

/** `device.failed` v1: a device stopped working. */
export class DeviceFailedEventData {
  @IsUUID()
  deviceId!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(EVENT_FIELD_LIMITS.reasonMaxLength)
  reason!: string;

  /** The allocation that was running on the device, if any: present, and null when there was none. */
  @ValidateIf((_data: object, value: unknown) => value !== null)
  @IsUUID(undefined, { message: '$property must be a UUID or null' })
  allocationId!: string | null;
}

/** `billing.usage_recorded` v1: billing charged an allocation's usage (once per allocation). */
export class BillingUsageRecordedEventData extends UserEventData {
  @IsUUID()
  usageId!: string;

  @IsUUID()
  allocationId!: string;

  @IsInt()
  @Min(0)
  @Max(EVENT_FIELD_LIMITS.intMax)
  billedSeconds!: number;

  @Matches(MINOR_UNITS_PATTERN, MONEY)
  amountMinor!: string;

  /** The account balance right after the charge. */
  @Matches(MINOR_UNITS_PATTERN, MONEY)
  balanceMinor!: string;

  @Matches(CURRENCY_PATTERN, CURRENCY)
  currency!: string;
}

/** `billing.balance_low` v1: a balance fell below the user's alert threshold. */
export class BillingBalanceLowEventData extends UserEventData {
  @Matches(MINOR_UNITS_PATTERN, MONEY)
  balanceMinor!: string;

  @Matches(MINOR_UNITS_PATTERN, MONEY)
  thresholdMinor!: string;

  @Matches(CURRENCY_PATTERN, CURRENCY)
  currency!: string;
}

/** `billing.overdue` v1: an active account's balance went negative; its devices must be released. */
export class BillingOverdueEventData extends UserEventData {
  @Matches(MINOR_UNITS_PATTERN, MONEY)
  balanceMinor!: string;

  @Matches(CURRENCY_PATTERN, CURRENCY)
  currency!: string;
}

/** `user.deleted` v1: a user account was deleted. */
export class UserDeletedEventData extends UserEventData {}

/** `user.suspended` v1: a user account was suspended; it may not hold devices or bookings. */
export class UserSuspendedEventData extends UserEventData {}

/** `user.tier_changed` v1: a user's tier (extension policy, queue priority, quota defaults) changed. */
export class UserTierChangedEventData extends UserEventData {
  @IsIn(USER_TIERS)
  previousTier!: UserTier;

  @IsIn(USER_TIERS)
  tier!: UserTier;
}

/** `allocation.failed` v1: a claimed device was not handed over (quota, balance, a dependency down). */
export class AllocationFailedEventData extends AllocationEventData {
  @Matches(/^[A-Z][A-Z0-9_]*$/, { message: '$property must be an error code' })
  @MaxLength(EVENT_FIELD_LIMITS.nameMaxLength)
  code!: string;
}
