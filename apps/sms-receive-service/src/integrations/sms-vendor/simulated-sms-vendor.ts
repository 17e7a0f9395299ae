import { randomBytes } from 'node:crypto';
import { SeededRandom } from '@cloudphone/shared';
import {
  SERVICE_NAME,
  type ActivationState,
  type SmsVendor,
  type VendorActivation,
  type VendorMessage,
} from './sms-vendor';
import { SmsVendorError } from './sms-vendor.error';

export interface SimulatedSmsVendorOptions {
  seed: number;
  /** Share of activations that get their SMS, in percent (0-100); 85 by default. */
  successPercent?: number;
  /** When an SMS arrives after the rent, in ms; 5-60 s by default. */
  delayMs?: { min: number; max: number };
  /** How long an activation lives before it expires, in ms; 20 minutes by default. */
  lifetimeMs?: number;
  /** The clock, in epoch ms (tests move it). */
  now?: () => number;
}

/**
 * Numbers per country as templates: the calling code and a mobile range, each `x` a digit drawn
 * from the seed. The UK's are Ofcom's drama range and the North American ones 555-01xx, numbers
 * reserved for fiction; the others only look like mobile numbers of their country.
 */
const NUMBER_TEMPLATES: Readonly<Record<string, readonly string[]>> = {
  US: ['121255501xx', '141555501xx', '164655501xx', '170255501xx'],
  CA: ['141655501xx', '160455501xx', '151455501xx'],
  GB: ['447700900xxx'],
  DE: ['491512xxxxxxx', '491701xxxxxxx'],
  FR: ['336xxxxxxxx', '337xxxxxxxx'],
  ES: ['346xxxxxxxx'],
  NL: ['316xxxxxxxx'],
  PL: ['485xxxxxxxx', '487xxxxxxxx'],
  UA: ['38067xxxxxxx', '38050xxxxxxx'],
  RU: ['79xxxxxxxxx'],
  KZ: ['770xxxxxxxx'],
  BR: ['55119xxxxxxxx', '55219xxxxxxxx'],
  IN: ['919xxxxxxxxx', '917xxxxxxxxx'],
  ID: ['6281xxxxxxxxx'],
};
/** Numbers in each country's pool: enough to look varied, few enough to see a number again. */
const POOL_SIZE = 1000;
/** What renting a number for a service costs, in US cents; other services cost the default. */
const PRICES_CENTS: Readonly<Record<string, number>> = {
  telegram: 35,
  whatsapp: 40,
  google: 25,
  facebook: 15,
  instagram: 18,
  twitter: 12,
  tiktok: 10,
  discord: 14,
  amazon: 16,
  uber: 11,
  wechat: 30,
  viber: 9,
  microsoft: 13,
  apple: 22,
  openai: 38,
};
const DEFAULT_PRICE_CENTS = 8;
const DISPLAY_NAMES: Readonly<Record<string, string>> = {
  whatsapp: 'WhatsApp',
  tiktok: 'TikTok',
  openai: 'OpenAI',
  wechat: 'WeChat',
  linkedin: 'LinkedIn',
  paypal: 'PayPal',
};
/** A simulated account never runs dry: this balance (1,000 USD) is reported, never spent. */
const BALANCE_CENTS = 100_000n;
/** `sim-<created at, base 36 ms>-<service>-<64 random bits>`: all check needs, nothing secret. */
const ACTIVATION_ID = /^sim-([0-9a-z]{1,11})-([a-z0-9_]{1,40})-[0-9a-f]{16}$/;

/**
 * An SMS vendor without a vendor, for development and tests. Replicas poll the same activation, so
 * nothing is kept in memory: the activation id carries its creation time and service, and whether
 * and when its SMS arrives, and the code, follow from the seed and the id, so every instance with
 * the same seed and clock answers alike. Finish, cancel and ban therefore change nothing.
 */
export class SimulatedSmsVendor implements SmsVendor {
  readonly kind = 'simulated';
  private readonly successPercent: number;
  private readonly delayMs: { min: number; max: number };
  private readonly lifetimeMs: number;
  private readonly now: () => number;

  constructor(private readonly options: SimulatedSmsVendorOptions) {
    if (!Number.isSafeInteger(options.seed)) throw new RangeError('seed must be an integer');
    this.successPercent = options.successPercent ?? 85;
    if (!(this.successPercent >= 0 && this.successPercent <= 100)) {
      throw new RangeError('successPercent must be from 0 to 100');
    }
    this.delayMs = options.delayMs ?? { min: 5_000, max: 60_000 };
    const { min, max } = this.delayMs;
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min < 0 || max < min) {
      throw new RangeError('delayMs must be whole milliseconds with 0 <= min <= max');
    }
    this.lifetimeMs = options.lifetimeMs ?? 20 * 60_000;
    if (!Number.isSafeInteger(this.lifetimeMs) || this.lifetimeMs <= 0) {
      throw new RangeError('lifetimeMs must be a positive integer');
    }
    this.now = options.now ?? Date.now;
  }

  async rent(service: string, countryCode: string, signal?: AbortSignal): Promise<VendorActivation> {
    signal?.throwIfAborted();
    const templates = this.templates(service, countryCode);
    const createdAt = this.now();
    // Random, not seeded: two rents must never share an id, on one replica or several.
    const activationId = `sim-${createdAt.toString(36)}-${service}-${randomBytes(8).toString('hex')}`;
    const index = randomBytes(4).readUInt32BE() % POOL_SIZE;
    return {
      activationId,
      phoneNumber: poolNumber(this.options.seed, countryCode.toUpperCase(), templates, index),
      countryCode: countryCode.toUpperCase(),
      service,
      costMinor: BigInt(PRICES_CENTS[service] ?? DEFAULT_PRICE_CENTS),
      currency: 'USD',
      expiresAt: new Date(createdAt + this.lifetimeMs),
    };
  }

  async check(
    activationId: string,
    signal?: AbortSignal,
  ): Promise<{ state: ActivationState; messages: VendorMessage[] }> {
    signal?.throwIfAborted();
    const { createdAt, service } = parseActivationId(activationId);
    const random = new SeededRandom(this.options.seed, hashText(activationId));
    const arrives = random.chance(this.successPercent);
    const arrivesAt = createdAt + random.integer(this.delayMs.min, this.delayMs.max);
    const expiresAt = createdAt + this.lifetimeMs;
    const now = this.now();
    if (arrives && arrivesAt < expiresAt && now >= arrivesAt) {
      return { state: 'received', messages: [simulatedMessage(service, random, arrivesAt)] };
    }
    return { state: now >= expiresAt ? 'expired' : 'waiting', messages: [] };
  }

  async finish(activationId: string): Promise<void> {
    parseActivationId(activationId);
  }

  async cancel(activationId: string): Promise<void> {
    parseActivationId(activationId);
  }

  async ban(activationId: string): Promise<void> {
    parseActivationId(activationId);
  }

  async price(
    service: string,
    countryCode: string,
  ): Promise<{ costMinor: bigint; currency: string; available: number }> {
    this.templates(service, countryCode);
    const stock = new SeededRandom(this.options.seed, hashText(`${countryCode.toUpperCase()}/${service}`));
    return {
      costMinor: BigInt(PRICES_CENTS[service] ?? DEFAULT_PRICE_CENTS),
      currency: 'USD',
      available: stock.integer(20, 2_000),
    };
  }

  async test(): Promise<{ ok: boolean; latencyMs: number; balanceMinor: bigint; currency: string }> {
    return { ok: true, latencyMs: 0, balanceMinor: BALANCE_CENTS, currency: 'USD' };
  }

  /** The country's number templates, or UNSUPPORTED for a service or country not simulated. */
  private templates(service: string, countryCode: string): readonly string[] {
    if (!SERVICE_NAME.test(service)) {
      throw new SmsVendorError(
        'UNSUPPORTED',
        `${JSON.stringify(service.slice(0, 40))} is not a service name`,
      );
    }
    const templates = /^[A-Za-z]{2}$/.test(countryCode)
      ? NUMBER_TEMPLATES[countryCode.toUpperCase()]
      : undefined;
    if (templates === undefined) {
      throw new SmsVendorError(
        'UNSUPPORTED',
        `No simulated numbers in ${JSON.stringify(countryCode.slice(0, 40))}`,
      );
    }
    return templates;
  }
}

/** Number `index` of the country's pool: the same for the same seed on every machine. */
function poolNumber(seed: number, countryCode: string, templates: readonly string[], index: number): string {
  const random = new SeededRandom(seed, hashText(countryCode), index);
  const template = templates[random.integer(0, templates.length - 1)];
  return `+${template.replace(/x/g, () => String(random.integer(0, 9)))}`;
}

/** The creation time and service an activation id carries; ACTIVATION_NOT_FOUND for any other id. */
function parseActivationId(activationId: string): { createdAt: number; service: string } {
  const match = ACTIVATION_ID.exec(activationId);
  const createdAt = match ? parseInt(match[1], 36) : NaN;
  if (!match || !Number.isSafeInteger(createdAt)) {
    throw new SmsVendorError(
      'ACTIVATION_NOT_FOUND',
      `${JSON.stringify(activationId.slice(0, 80))} is not a simulated activation`,
    );
  }
  return { createdAt, service: match[2] };
}

/** The SMS a service sends, worded as that service words it, with a code from the activation's stream. */
function simulatedMessage(service: string, random: SeededRandom, receivedAt: number): VendorMessage {
  const name =
    DISPLAY_NAMES[service] ?? service.replace(/_/g, ' ').replace(/^./, (first) => first.toUpperCase());
  const six = String(random.integer(100_000, 999_999));
  let text: string;
  let code = six;
  switch (service) {
    case 'telegram':
      code = String(random.integer(10_000, 99_999));
      text = `Telegram code: ${code}. Do not give this code to anyone, even if they say they are from Telegram!`;
      break;
    case 'whatsapp':
      text = `<#> Your WhatsApp code: ${six.slice(0, 3)}-${six.slice(3)}\nDon't share this code with others`;
      break;
    case 'google':
      text = `G-${six} is your Google verification code.`;
      break;
    case 'facebook':
      text = `${six} is your Facebook confirmation code`;
      break;
    default:
      text = `Your ${name} verification code is ${six}`;
  }
  return { messageId: 'sim-1', sender: name, text, vendorCode: code, receivedAt: new Date(receivedAt) };
}

/** FNV-1a: a string as a 32-bit number, to seed a stream per activation from its id. */
function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  }
  return hash | 0;
}
