import type { DeviceProviderKind } from '../../config/device-service.config';

/**
 * What a node may set for its own provider (nodes' `providerSettings`): for Redroid, the Docker
 * host its devices run on and how they are created there; anything left out comes from the
 * deployment's REDROID_* settings. The simulated provider takes none. Values are checked here, not
 * by the driver, so a bad one is a 400 on the node route and never reaches a Docker host.
 */
export type ProviderSettings = Readonly<Record<string, string | number>>;

export interface RedroidNodeSettings {
  dockerUrl: string;
  apiVersion?: string;
  image?: string;
  bootArgs?: string;
  advertisedHost?: string;
  adbBindIp?: string;
  timeoutMs?: number;
}

type Check = (value: unknown) => string | null;

const text =
  (pattern: RegExp, expected: string): Check =>
  (value) =>
    typeof value === 'string' && value.length <= 500 && pattern.test(value) ? null : expected;

const dockerUrl: Check = (value) => {
  const expected = 'an http:// or https:// URL without credentials';
  if (typeof value !== 'string' || value.length > 500 || /[\s\0]/.test(value)) return expected;
  try {
    const url = new URL(value);
    const ok = ['http:', 'https:'].includes(url.protocol) && !url.username && !url.password;
    return ok ? null : expected;
  } catch {
    return expected;
  }
};

const timeoutMs: Check = (value) =>
  Number.isSafeInteger(value) && (value as number) >= 100 && (value as number) <= 300_000
    ? null
    : 'a whole number of milliseconds from 100 to 300000';

/** The same shapes as the REDROID_* variables (device-service.config.ts). */
const RULES: Record<DeviceProviderKind, Record<string, { required: boolean; check: Check }>> = {
  simulated: {},
  redroid: {
    dockerUrl: { required: true, check: dockerUrl },
    apiVersion: { required: false, check: text(/^1\.\d{2}$/, 'an API version like 1.44') },
    image: { required: false, check: text(/^\w[\w.:@/-]{0,254}$/, 'an image reference') },
    bootArgs: {
      required: false,
      check: text(/^[\w.]+=\S*( +[\w.]+=\S*)*$/, 'space-separated key=value boot arguments'),
    },
    advertisedHost: { required: false, check: text(/^[\w.:-]{1,253}$/, 'a host name or address') },
    adbBindIp: { required: false, check: text(/^[\da-fA-F.:]{2,45}$/, 'an IP address') },
    timeoutMs: { required: false, check: timeoutMs },
  },
};

const MAX_PROBLEMS = 5;

export type ParsedProviderSettings = { settings: ProviderSettings } | { problems: string[] };

/** Checks a node's settings for `kind`: every key known, every value well formed, required ones set. */
export function parseProviderSettings(kind: DeviceProviderKind, raw: unknown): ParsedProviderSettings {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { problems: ['providerSettings must be an object'] };
  }
  const rules = RULES[kind];
  const problems: string[] = [];
  const settings: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(raw)) {
    // A body of thousands of keys gets a short answer: the first few problems say enough.
    if (problems.length >= MAX_PROBLEMS) break;
    // Own, known keys only: `constructor` or `__proto__` are unknown like any other.
    const rule = Object.hasOwn(rules, key) ? rules[key] : undefined;
    if (!rule) {
      problems.push(`${kind} takes no setting named ${JSON.stringify(key.slice(0, 64))}`);
      continue;
    }
    const problem = rule.check(value);
    if (problem) problems.push(`providerSettings.${key} must be ${problem}`);
    else settings[key] = value as string | number;
  }
  for (const [key, rule] of Object.entries(rules)) {
    if (rule.required && !Object.hasOwn(raw, key))
      problems.push(`providerSettings.${key} is required for ${kind}`);
  }
  return problems.length > 0 ? { problems } : { settings };
}

/**
 * One identity per place devices live: two nodes (or a node and the deployment) naming the same
 * Docker host share a driver, so the reconciler lists that host once and sees all their devices.
 */
export function providerIdentity(kind: DeviceProviderKind, settings: ProviderSettings): string {
  return kind === 'redroid' ? `redroid:${new URL(String(settings.dockerUrl)).href}` : kind;
}
