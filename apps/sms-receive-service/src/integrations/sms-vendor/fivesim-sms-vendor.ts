import { performance } from 'node:perf_hooks';
import { networkCode, parseJson, readBoundedText, retryAfterMs } from '@cloudphone/shared';
import {
  type FivesimStatus,
  isExpiredRefusal,
  isRecord,
  orderIdOf,
  parseFivesimBalance,
  parseFivesimOrder,
  parseFivesimPrices,
  quoted,
  refusalError,
  stateOf,
  toMinorUnits,
} from './fivesim-answers';
import { fivesimCountry, fivesimProduct } from './fivesim-catalog';
import type { ActivationState, SmsVendor, VendorActivation, VendorMessage } from './sms-vendor';
import { SmsVendorError } from './sms-vendor.error';

export interface FivesimSmsVendorOptions {
  /** Where 5sim's API is; https://5sim.net by default (a path prefix is kept). */
  baseUrl?: string;
  apiKey: string;
  /** Limit for each request, from sending it to the last byte of its answer. */
  timeoutMs: number;
  /** The account's currency (5sim bills in it: roubles unless the account was opened in another); ISO 4217. */
  currency?: string;
  /** Minor units in one unit of `currency`: a power of ten, 100 by default. */
  minorPerUnit?: number;
}

export const FIVESIM_BASE_URL = 'https://5sim.net';
/** 5sim picks the operator with a free number; naming one only narrows the stock. */
const ANY_OPERATOR = 'any';
/** An order with a few SMS is ~2 kB and the price list of one product in one country smaller still. */
const MAX_BODY_BYTES = 1024 * 1024;
/** A Retry-After beyond a day is taken as a day: a caller should look again by then. */
const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;
/** What can go in the Authorization header: printable ASCII, no spaces (5sim's keys are JWTs). */
const API_KEY = /^[\x21-\x7e]{1,4096}$/;

/** A 200 answer's JSON, or the text of a refusal (5sim's errors are mostly plain text). */
type Answer = { kind: 'json'; body: unknown } | { kind: 'refusal'; status: number; text: string };

/**
 * 5sim's REST API v1 (5sim.net/docs): activations bought with operator "any", polled with `check`,
 * closed with finish, cancel or ban; guest prices; the profile as the key check. Requests carry
 * `Authorization: Bearer <key>` (not the guest price list), never follow redirects, and only go to
 * the configured origin.
 */
export class FivesimSmsVendor implements SmsVendor {
  readonly kind = 'fivesim';
  private readonly base: URL;
  /** The base URL's path without its trailing slash ('' for an origin), for the API paths to follow. */
  private readonly basePath: string;
  private readonly currency: string;
  private readonly minorPerUnit: number;

  constructor(private readonly options: FivesimSmsVendorOptions) {
    const base = new URL(options.baseUrl ?? FIVESIM_BASE_URL);
    if (!['http:', 'https:'].includes(base.protocol) || base.username || base.password || base.search) {
      throw new RangeError('baseUrl must be an http(s) URL without credentials or query');
    }
    if (!Number.isSafeInteger(options.timeoutMs) || options.timeoutMs <= 0) {
      throw new RangeError('timeoutMs must be a positive integer');
    }
    this.currency = options.currency ?? 'RUB';
    if (!/^[A-Z]{3}$/.test(this.currency)) throw new RangeError('currency must be an ISO 4217 code');
    this.minorPerUnit = options.minorPerUnit ?? 100;
    if (![1, 10, 100, 1000].includes(this.minorPerUnit)) {
      throw new RangeError('minorPerUnit must be 1, 10, 100 or 1000');
    }
    base.hash = '';
    this.base = base;
    this.basePath = base.pathname.replace(/\/+$/, '');
  }

  async rent(service: string, countryCode: string, signal?: AbortSignal): Promise<VendorActivation> {
    const product = fivesimProduct(service);
    const country = fivesimCountry(countryCode);
    const answer = await this.get(
      `/v1/user/buy/activation/${country}/${ANY_OPERATOR}/${product}`,
      true,
      signal,
    );
    if (answer.kind === 'refusal') throw refusalError(answer.text, answer.status);
    const order = parseFivesimOrder(answer.body);
    return {
      activationId: order.id,
      phoneNumber: order.phoneNumber,
      countryCode: countryCode.toUpperCase(),
      service,
      costMinor: toMinorUnits(order.price, this.minorPerUnit, 'up'),
      currency: this.currency,
      expiresAt: order.expiresAt,
    };
  }

  async check(
    activationId: string,
    signal?: AbortSignal,
  ): Promise<{ state: ActivationState; messages: VendorMessage[] }> {
    const id = this.orderId(activationId);
    const answer = await this.get(`/v1/user/check/${id}`, true, signal);
    if (answer.kind === 'refusal') {
      // Past its lifetime 5sim may refuse to show an order rather than show it TIMEOUT.
      if (isExpiredRefusal(answer.text)) return { state: 'expired', messages: [] };
      throw refusalError(answer.text, answer.status);
    }
    const order = parseFivesimOrder(answer.body);
    if (order.id !== id) {
      throw new SmsVendorError('VENDOR_BAD_RESPONSE', `5sim answered order ${order.id} when asked for ${id}`);
    }
    return { state: stateOf(order), messages: order.messages };
  }

  async finish(activationId: string): Promise<void> {
    await this.settle('finish', activationId, ['FINISHED']);
  }

  async cancel(activationId: string): Promise<void> {
    // An order that ran out is refunded by 5sim as a cancelled one is: either way it is given back.
    await this.settle('cancel', activationId, ['CANCELED', 'TIMEOUT']);
  }

  async ban(activationId: string): Promise<void> {
    await this.settle('ban', activationId, ['BANNED']);
  }

  /**
   * The cheapest operator that has a number now (the one "any" most likely gets), or the cheapest
   * listed when none has; `available` counts every operator's free numbers. Null when 5sim lists no
   * price for the pair, or refuses the country or product.
   */
  async price(
    service: string,
    countryCode: string,
  ): Promise<{ costMinor: bigint; currency: string; available: number } | null> {
    const product = fivesimProduct(service);
    const country = fivesimCountry(countryCode);
    const answer = await this.get('/v1/guest/prices', false, undefined, { country, product });
    if (answer.kind === 'refusal') {
      const error = refusalError(answer.text, answer.status);
      if (error.code === 'UNSUPPORTED') return null;
      throw error;
    }
    const offers = parseFivesimPrices(answer.body, country, product);
    if (offers === null || offers.length === 0) return null;
    const inStock = offers.filter((offer) => offer.count > 0);
    const costs = (inStock.length > 0 ? inStock : offers).map((offer) =>
      toMinorUnits(offer.cost, this.minorPerUnit, 'up'),
    );
    const costMinor = costs.reduce((lowest, cost) => (cost < lowest ? cost : lowest));
    const available = Math.min(
      Number.MAX_SAFE_INTEGER,
      offers.reduce((sum, offer) => sum + offer.count, 0),
    );
    return { costMinor, currency: this.currency, available };
  }

  async test(): Promise<{
    ok: boolean;
    latencyMs: number;
    balanceMinor?: bigint;
    currency?: string;
    error?: string;
  }> {
    const started = performance.now();
    const latencyMs = () => Math.round(performance.now() - started);
    try {
      const answer = await this.get('/v1/user/profile', true);
      if (answer.kind === 'refusal') throw refusalError(answer.text, answer.status);
      // Rounded down: the balance is what we can spend, and a fraction of a kopeck buys nothing.
      const balanceMinor = toMinorUnits(parseFivesimBalance(answer.body), this.minorPerUnit, 'down');
      return { ok: true, latencyMs: latencyMs(), balanceMinor, currency: this.currency };
    } catch (error) {
      const reason = error instanceof SmsVendorError ? `${error.code}: ${error.message}` : String(error);
      return { ok: false, latencyMs: latencyMs(), error: reason };
    }
  }

  /**
   * Finish, cancel or ban. 5sim refuses the action on an order already closed (in words that vary),
   * so a refusal is followed by a check: an order already where the action would put it is done
   * (cancelling twice, or an order that expired meanwhile, is not an error); otherwise the refusal
   * stands, as UNSUPPORTED when it only says the order cannot take the action.
   */
  private async settle(
    action: 'finish' | 'cancel' | 'ban',
    activationId: string,
    done: readonly FivesimStatus[],
  ): Promise<void> {
    const id = this.orderId(activationId);
    const answer = await this.get(`/v1/user/${action}/${id}`, true);
    if (answer.kind === 'json') {
      if (!isRecord(answer.body)) {
        throw new SmsVendorError('VENDOR_BAD_RESPONSE', `5sim answered ${action} with no order`);
      }
      return;
    }
    const refusal = refusalError(answer.text, answer.status);
    if (!['UNSUPPORTED', 'ACTIVATION_NOT_FOUND', 'VENDOR_BAD_RESPONSE'].includes(refusal.code)) throw refusal;
    const current = await this.get(`/v1/user/check/${id}`, true);
    if (current.kind === 'refusal') {
      if (isExpiredRefusal(current.text) && done.includes('TIMEOUT')) return;
      throw refusalError(current.text, current.status);
    }
    const order = parseFivesimOrder(current.body);
    if (done.includes(order.status)) return;
    throw new SmsVendorError(
      'UNSUPPORTED',
      `5sim would not ${action} order ${id}, which is ${order.status} (${answer.status}: ${quoted(answer.text)})`,
    );
  }

  /** 5sim's order id in `activationId`: anything else cannot name one of its orders, so is not asked. */
  private orderId(activationId: string): string {
    const id = orderIdOf(activationId);
    if (id === null) {
      throw new SmsVendorError('ACTIVATION_NOT_FOUND', `${quoted(activationId)} is not a 5sim order id`);
    }
    return id;
  }

  private url(path: string, query?: Record<string, string>): URL {
    const url = new URL(this.base.href);
    url.pathname = `${this.basePath}${path}`;
    if (query) url.search = new URLSearchParams(query).toString();
    return url;
  }

  /** GETs `path` within the timeout: its JSON, a refusal to interpret, or the SmsVendorError it means. */
  private async get(
    path: string,
    authenticated: boolean,
    signal?: AbortSignal,
    query?: Record<string, string>,
  ): Promise<Answer> {
    // A provider saved without a key is an ordinary state, not a crash: its calls fail like a bad key.
    if (authenticated && !API_KEY.test(this.options.apiKey)) {
      throw new SmsVendorError('VENDOR_AUTH_FAILED', 'No usable 5sim API key is configured');
    }
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (authenticated) headers.Authorization = `Bearer ${this.options.apiKey}`;
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), this.options.timeoutMs);
    let status: number;
    let retryAfter: string | null;
    let text: string | null;
    try {
      const response = await fetch(this.url(path, query), {
        headers,
        redirect: 'manual',
        signal: signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal,
      });
      status = response.status;
      retryAfter = response.headers.get('retry-after');
      text = await readBoundedText(response, MAX_BODY_BYTES);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (timeout.signal.aborted) {
        throw new SmsVendorError(
          'VENDOR_UNAVAILABLE',
          `5sim did not answer within ${this.options.timeoutMs} ms`,
        );
      }
      throw new SmsVendorError('VENDOR_UNAVAILABLE', `5sim could not be reached (${networkCode(error)})`);
    } finally {
      clearTimeout(timer);
    }
    if (text === null) throw new SmsVendorError('VENDOR_BAD_RESPONSE', '5sim answered an oversized body');
    return answerOf(status, text, retryAfter);
  }
}

/**
 * Sorts an answer: 401/403 are about the key, 429 (per key) and a 503 naming a limit (5sim's
 * per-address limit, as its clients report it) are throttling, other 5xx its outage, and a redirect is never followed (it
 * could send the key elsewhere). A 200 with JSON is an answer; anything else is a refusal to read.
 */
function answerOf(status: number, text: string, retryAfter: string | null): Answer {
  if (status === 401 || status === 403) {
    return failWith('VENDOR_AUTH_FAILED', `5sim refused the API key (${status})`);
  }
  if (status === 429 || (status === 503 && /requests per second|limit/i.test(text))) {
    return failWith(
      'VENDOR_RATE_LIMITED',
      `5sim rate-limited us (${status})`,
      retryAfterMs(retryAfter, MAX_RETRY_AFTER_MS),
    );
  }
  if (status >= 500) return failWith('VENDOR_UNAVAILABLE', `5sim answered ${status}`);
  if (status >= 300 && status < 400)
    return failWith('VENDOR_BAD_RESPONSE', `5sim answered a redirect (${status}); not followed`);
  const body = parseJson(text);
  if (typeof body === 'string') return { kind: 'refusal', status, text: body };
  if (isRecord(body) && typeof body.message === 'string' && body.id === undefined) {
    return { kind: 'refusal', status, text: body.message };
  }
  if (status === 200 && body !== undefined) return { kind: 'json', body };
  return { kind: 'refusal', status, text };
}

function failWith(code: SmsVendorError['code'], message: string, retryAfter?: number): never {
  throw new SmsVendorError(code, message, retryAfter);
}
