import { createHash } from 'node:crypto';
import type { ActivationState, VendorMessage } from './sms-vendor';
import { SmsVendorError, type SmsVendorErrorCode } from './sms-vendor.error';

/** An order's status as 5sim names it. */
export type FivesimStatus = 'PENDING' | 'RECEIVED' | 'CANCELED' | 'TIMEOUT' | 'FINISHED' | 'BANNED';

/** The fields of 5sim's order JSON the driver uses, checked. */
export interface FivesimOrder {
  id: string;
  phoneNumber: string;
  /** The price as 5sim wrote it, in its account currency's major units. */
  price: number | string;
  status: FivesimStatus;
  expiresAt: Date;
  messages: VendorMessage[];
}

const STATES: Readonly<Record<FivesimStatus, ActivationState>> = {
  PENDING: 'waiting',
  RECEIVED: 'received',
  CANCELED: 'cancelled',
  TIMEOUT: 'expired',
  FINISHED: 'finished',
  BANNED: 'banned',
};
/** Longer than any SMS (a concatenated one of 10 parts is ~1,600 characters). */
const MAX_TEXT = 4000;
const MAX_SENDER = 100;
const MAX_CODE = 32;

/**
 * 5sim's plain-text refusals (some with HTTP 200, some 400/404), by the code a caller acts on. Matched
 * as substrings of the lower-cased text, first match wins: 5sim's wording varies slightly between
 * endpoints ("order not found", "record not found").
 */
const REFUSALS: ReadonlyArray<readonly [string, SmsVendorErrorCode, string]> = [
  ['no free phones', 'NO_NUMBERS', '5sim has no free number for that country and product'],
  ['not enough user balance', 'VENDOR_BALANCE_LOW', 'the 5sim balance is too low'],
  // The rating caps how many orders an account holds at once: more once some close.
  ['not enough rating', 'VENDOR_RATE_LIMITED', 'the 5sim rating allows no more open orders now'],
  ['you need to wait', 'VENDOR_RATE_LIMITED', '5sim asks to wait before this action'],
  ['requests per second', 'VENDOR_RATE_LIMITED', '5sim rate-limited us'],
  ['order not found', 'ACTIVATION_NOT_FOUND', '5sim has no such order'],
  ['record not found', 'ACTIVATION_NOT_FOUND', '5sim has no such order'],
  ['order expired', 'UNSUPPORTED', 'the 5sim order has expired'],
  ['order has sms', 'UNSUPPORTED', 'the 5sim order has an SMS: finish it rather than cancel it'],
  ['order no sms', 'UNSUPPORTED', 'the 5sim order has no SMS: cancel it rather than finish it'],
  ['hosting order', 'UNSUPPORTED', 'the 5sim order is a hosting order'],
  ['bad country', 'UNSUPPORTED', '5sim does not serve that country'],
  ['country is incorrect', 'UNSUPPORTED', '5sim does not serve that country'],
  ['select country', 'UNSUPPORTED', '5sim does not serve that country'],
  ['bad operator', 'UNSUPPORTED', '5sim does not serve that operator'],
  ['select operator', 'UNSUPPORTED', '5sim does not serve that operator'],
  ['no product', 'UNSUPPORTED', '5sim does not sell that product'],
  ['product is incorrect', 'UNSUPPORTED', '5sim does not sell that product'],
  ['bad product', 'UNSUPPORTED', '5sim does not sell that product'],
  ['server offline', 'VENDOR_UNAVAILABLE', '5sim is offline'],
  ['internal error', 'VENDOR_UNAVAILABLE', '5sim had an internal error'],
];

/** The SmsVendorError a 5sim refusal means; text we do not know is a BAD_RESPONSE. */
export function refusalError(text: string, status: number): SmsVendorError {
  const said = quoted(text);
  const lower = text.toLowerCase();
  const known = REFUSALS.find(([phrase]) => lower.includes(phrase));
  if (known) return new SmsVendorError(known[1], `${known[2]} (${status}: ${said})`);
  return new SmsVendorError('VENDOR_BAD_RESPONSE', `5sim answered ${status}: ${said}`);
}

/** Whether 5sim refused because the order is past its lifetime (check then reports it expired). */
export function isExpiredRefusal(text: string): boolean {
  return text.toLowerCase().includes('order expired');
}

/** 5sim's order JSON (`buy`, `check`) field by field; an order of the wrong shape is refused whole. */
export function parseFivesimOrder(body: unknown): FivesimOrder {
  if (!isRecord(body)) throw badResponse('the order is not a JSON object');
  const id = orderIdOf(body.id);
  if (id === null) throw badResponse('id is not a positive whole number');
  const phoneNumber = typeof body.phone === 'string' ? normalisePhoneNumber(body.phone) : null;
  if (phoneNumber === null) throw badResponse('phone is not a phone number of 7-15 digits');
  if (decimalText(body.price) === null) throw badResponse('price is not a non-negative number');
  const status = body.status;
  if (typeof status !== 'string' || !(status in STATES))
    throw badResponse('status is not one 5sim documents');
  const expiresAt = dateOf(body.expires);
  if (expiresAt === null) throw badResponse('expires is not a date');
  if (body.sms !== null && body.sms !== undefined && !Array.isArray(body.sms)) {
    throw badResponse('sms is not a list');
  }
  const messages = ((body.sms as unknown[] | null | undefined) ?? []).map(parseSms);
  return {
    id,
    phoneNumber,
    price: body.price as number | string,
    status: status as FivesimStatus,
    expiresAt,
    messages,
  };
}

/** Our state for 5sim's status; an open order with an SMS is 'received' whatever 5sim's lag. */
export function stateOf(order: FivesimOrder): ActivationState {
  const state = STATES[order.status];
  return state === 'waiting' && order.messages.length > 0 ? 'received' : state;
}

/**
 * One entry of an order's `sms` ({created_at, date, sender, text, code}). 5sim gives SMS no id, so
 * the id hashes date, sender and text: the same on every poll, from every replica.
 */
function parseSms(entry: unknown): VendorMessage {
  if (!isRecord(entry)) throw badResponse('an sms is not an object');
  const { text, sender, code } = entry;
  if (typeof text !== 'string' || text.length > MAX_TEXT) throw badResponse('an sms text is not a string');
  if (sender !== undefined && sender !== null && typeof sender !== 'string') {
    throw badResponse('an sms sender is not a string');
  }
  if (code !== undefined && code !== null && typeof code !== 'string') {
    throw badResponse('an sms code is not a string');
  }
  // created_at is 5sim's clock; date may be the sender's or the phone's, so it is only a fallback.
  const receivedAt = dateOf(entry.created_at) ?? dateOf(entry.date);
  if (receivedAt === null) throw badResponse('an sms has no date');
  const stamp = typeof entry.date === 'string' ? entry.date : String(entry.created_at);
  const cleanSender = sender
    ? sender
        .replace(/\p{Cc}/gu, ' ')
        .trim()
        .slice(0, MAX_SENDER)
    : '';
  const cleanCode = code ? code.trim().slice(0, MAX_CODE) : '';
  const vendorId = entry.id;
  const messageId =
    (typeof vendorId === 'number' && Number.isSafeInteger(vendorId)) ||
    (typeof vendorId === 'string' && /^[\x21-\x7e]{1,64}$/.test(vendorId))
      ? String(vendorId)
      : `h-${createHash('sha256')
          .update(`${stamp}\n${sender ?? ''}\n${text}`)
          .digest('hex')
          .slice(0, 32)}`;
  return {
    messageId,
    sender: cleanSender || null,
    text,
    vendorCode: cleanCode || null,
    receivedAt,
  };
}

/** `GET /v1/guest/prices?country=&product=`: `{country: {product: {operator: {cost, count, rate}}}}`. */
export function parseFivesimPrices(
  body: unknown,
  country: string,
  product: string,
): Array<{ cost: number | string; count: number }> | null {
  if (!isRecord(body)) throw badResponse('the prices are not a JSON object');
  const byProduct = body[country];
  if (byProduct === undefined) return null;
  if (!isRecord(byProduct)) throw badResponse(`prices.${country} is not an object`);
  const byOperator = byProduct[product];
  if (byOperator === undefined) return null;
  if (!isRecord(byOperator)) throw badResponse(`prices.${country}.${product} is not an object`);
  return Object.entries(byOperator).map(([operator, offer]) => {
    if (!isRecord(offer) || decimalText(offer.cost) === null) {
      throw badResponse(`the ${operator.slice(0, 40)} price has no cost`);
    }
    const count = offer.count;
    if (!Number.isSafeInteger(count) || (count as number) < 0) {
      throw badResponse(`the ${operator.slice(0, 40)} price has no count`);
    }
    return { cost: offer.cost as number | string, count: count as number };
  });
}

/** `GET /v1/user/profile`'s balance. */
export function parseFivesimBalance(body: unknown): number | string {
  if (!isRecord(body) || decimalText(body.balance) === null) throw badResponse('the profile has no balance');
  return body.balance as number | string;
}

/**
 * An amount in major units as integer minor units, rounded `up` (what we are charged) or `down`
 * (what we can spend), in exact decimal arithmetic: ceil(1.1 × 100) must be 110, not float's 111.
 */
export function toMinorUnits(amount: number | string, minorPerUnit: number, rounding: 'up' | 'down'): bigint {
  const text = decimalText(amount);
  if (text === null) throw new RangeError('not a non-negative decimal amount');
  const [, whole, fraction = '', exponent = '0'] = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i.exec(text) ?? [];
  const scale = Math.round(Math.log10(minorPerUnit));
  // amount = digits × 10^power; in minor units that is digits × 10^(power + scale).
  const digits = BigInt(`${whole}${fraction}`);
  const shift = Number(exponent) - fraction.length + scale;
  if (shift >= 0) return digits * 10n ** BigInt(shift);
  const divisor = 10n ** BigInt(-shift);
  const quotient = digits / divisor;
  return rounding === 'up' && quotient * divisor !== digits ? quotient + 1n : quotient;
}

/**
 * A phone number as E.164: its digits after a single leading +, separators (spaces, dashes, dots,
 * brackets) dropped; null when anything else is in it or it is not 7-15 digits long.
 */
export function normalisePhoneNumber(value: string): string | null {
  const trimmed = value.trim();
  if (!/^\+?[\d\s().-]+$/.test(trimmed)) return null;
  const digits = trimmed.replace(/\D/g, '');
  return /^[1-9]\d{6,14}$/.test(digits) ? `+${digits}` : null;
}

/** 5sim's order id (a positive integer, as a number or its text) as text, or null. */
export function orderIdOf(value: unknown): string | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value > 0 ? String(value) : null;
  return typeof value === 'string' && /^[1-9]\d{0,18}$/.test(value) ? value : null;
}

/** The decimal text of a non-negative amount (a JSON number, or a string of one), or null. */
function decimalText(value: unknown): string | null {
  // String() of a double is its shortest round-trip form: 0.29 stays "0.29", the digits 5sim sent.
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  return typeof text === 'string' && /^\d+(?:\.\d+)?(?:e[+-]?\d+)?$/i.test(text) ? text : null;
}

function dateOf(value: unknown): Date | null {
  if (typeof value !== 'string' || value.length > 64) return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Vendor text for a message: control characters out, cut short, quoted. */
export function quoted(text: string): string {
  return JSON.stringify(
    text
      .replace(/\p{Cc}/gu, ' ')
      .trim()
      .slice(0, 120),
  );
}

function badResponse(what: string): SmsVendorError {
  return new SmsVendorError('VENDOR_BAD_RESPONSE', `5sim answered an unexpected body: ${what}`);
}
