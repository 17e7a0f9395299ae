import {
  ALLOCATION_LIMITS,
  EXTENSION_POLICY_FIELDS,
  type ExtensionPolicy,
  USER_TIERS,
  type UserTier,
} from '@cloudphone/contracts';

/** The extension policy of every tier. */
export type ExtensionPolicies = Readonly<Record<UserTier, Readonly<ExtensionPolicy>>>;

/**
 * What each tier may do when EXTENSION_POLICIES says nothing: a free renter gets one short
 * extension near the end, an enterprise one nearly anything (a week of extensions in all).
 */
export const DEFAULT_EXTENSION_POLICIES: ExtensionPolicies = {
  free: {
    maxExtensions: 1,
    maxMinutesPerExtension: 30,
    maxTotalMinutes: 30,
    cooldownMinutes: 10,
    windowMinutes: 15,
  },
  standard: {
    maxExtensions: 3,
    maxMinutesPerExtension: 60,
    maxTotalMinutes: 180,
    cooldownMinutes: 5,
    windowMinutes: 30,
  },
  pro: {
    maxExtensions: 10,
    maxMinutesPerExtension: 240,
    maxTotalMinutes: 1440,
    cooldownMinutes: 1,
    windowMinutes: 120,
  },
  enterprise: {
    maxExtensions: 50,
    maxMinutesPerExtension: 1440,
    maxTotalMinutes: 10_080,
    cooldownMinutes: 0,
    windowMinutes: 1440,
  },
};

export const EXTENSION_POLICIES_FORMAT =
  'a JSON object of per-tier overrides, e.g. {"free":{"maxExtensions":2}}; tiers: ' +
  `${USER_TIERS.join(', ')}; fields: ${EXTENSION_POLICY_FIELDS.join(', ')} (whole minutes or counts)`;

// Bounds per field: counts up to 1000, minutes within the longest allocation there can be.
const FIELD_BOUNDS: Record<keyof ExtensionPolicy, { min: number; max: number }> = {
  maxExtensions: { min: 0, max: 1000 },
  maxMinutesPerExtension: { min: 1, max: ALLOCATION_LIMITS.maxDurationMinutes },
  maxTotalMinutes: { min: 0, max: ALLOCATION_LIMITS.maxDurationMinutes },
  cooldownMinutes: { min: 0, max: ALLOCATION_LIMITS.maxDurationMinutes },
  windowMinutes: { min: 1, max: ALLOCATION_LIMITS.maxDurationMinutes },
};

/** Reads EXTENSION_POLICIES: the defaults with the given fields of the given tiers replaced. */
export function parseExtensionPolicies(raw: string): ExtensionPolicies {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('is not valid JSON');
  }
  if (!isPlainObject(parsed)) throw new Error('must be a JSON object keyed by tier');
  const policies: Record<string, ExtensionPolicy> = {};
  for (const tier of USER_TIERS) policies[tier] = { ...DEFAULT_EXTENSION_POLICIES[tier] };
  for (const [tier, overrides] of Object.entries(parsed)) {
    if (!(USER_TIERS as readonly string[]).includes(tier)) throw new Error(`"${tier}" is not a tier`);
    if (!isPlainObject(overrides)) throw new Error(`${tier} must be an object of policy fields`);
    for (const [field, value] of Object.entries(overrides)) {
      if (!(EXTENSION_POLICY_FIELDS as readonly string[]).includes(field)) {
        throw new Error(`${tier}.${field} is not a policy field`);
      }
      const bounds = FIELD_BOUNDS[field as keyof ExtensionPolicy];
      if (!Number.isInteger(value) || (value as number) < bounds.min || (value as number) > bounds.max) {
        throw new Error(`${tier}.${field} must be a whole number from ${bounds.min} to ${bounds.max}`);
      }
      policies[tier][field as keyof ExtensionPolicy] = value as number;
    }
  }
  return policies as ExtensionPolicies;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
