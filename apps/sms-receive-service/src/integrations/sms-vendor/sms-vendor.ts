/** A number rented at a vendor for one service (an "activation"). */
export interface VendorActivation {
  /** The vendor's id of the activation (5sim's order id), as text. */
  activationId: string;
  /** E.164, e.g. +447700900123: a leading + and 7–15 digits, whatever the vendor's spelling. */
  phoneNumber: string;
  /** ISO 3166-1 alpha-2, upper case, as asked. */
  countryCode: string;
  /** Our service name, as asked (e.g. 'telegram'). */
  service: string;
  /** What the vendor charges us, in integer minor units of `currency` (e.g. cents), rounded up. */
  costMinor: bigint;
  /** ISO 4217. */
  currency: string;
  /** When the vendor ends the activation by itself. */
  expiresAt: Date;
}

/** One SMS an activation received. */
export interface VendorMessage {
  /** Stable id within the activation (the vendor's, or a hash of date+sender+text when it has none). */
  messageId: string;
  sender: string | null;
  text: string;
  /** The code as the vendor parsed it, if it does; our own extractor runs anyway. */
  vendorCode: string | null;
  receivedAt: Date;
}

/**
 * Where an activation is at the vendor: waiting for an SMS, received one (still open), finished by
 * us (paid), cancelled by us (refunded), expired (ended by the vendor) or banned by us (refunded).
 */
export type ActivationState = 'waiting' | 'received' | 'finished' | 'cancelled' | 'expired' | 'banned';

/**
 * An SMS activation vendor's account. Drivers throw SmsVendorError when a call fails, so callers can
 * tell a bad key, an empty stock or an unknown activation from a vendor outage.
 */
export interface SmsVendor {
  readonly kind: 'simulated' | 'fivesim';
  /** Rents a number for `service` in `countryCode`; SmsVendorError NO_NUMBERS when none is free. */
  rent(service: string, countryCode: string, signal?: AbortSignal): Promise<VendorActivation>;
  /** The activation's messages so far and its state at the vendor. */
  check(
    activationId: string,
    signal?: AbortSignal,
  ): Promise<{ state: ActivationState; messages: VendorMessage[] }>;
  /** Tells the vendor we are done (after a code): the activation is paid. */
  finish(activationId: string): Promise<void>;
  /**
   * Gives the number back unused: the vendor refunds it (no SMS received). Cancelling one already
   * cancelled or expired is not an error.
   */
  cancel(activationId: string): Promise<void>;
  /** Gives the number back as bad (5sim: ban), so the vendor does not hand it out again. */
  ban(activationId: string): Promise<void>;
  /** What renting a number for the service and country costs now, or null when the vendor has none. */
  price(
    service: string,
    countryCode: string,
  ): Promise<{ costMinor: bigint; currency: string; available: number } | null>;
  /** A cheap authenticated call: whether the API and key work, and the account balance. */
  test(): Promise<{
    ok: boolean;
    latencyMs: number;
    balanceMinor?: bigint;
    currency?: string;
    error?: string;
  }>;
}

/** Injection token of the configured SmsVendor. */
export const SMS_VENDOR = Symbol('SMS_VENDOR');

/** Our service names, as both drivers accept them (5sim's product names are of the same form). */
export const SERVICE_NAME = /^[a-z0-9_]{1,40}$/;
