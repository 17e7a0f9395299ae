import { ALLOCATION_LIMITS, type ExtensionPolicy } from '@cloudphone/contracts';

const MINUTE_MS = 60_000;

/** What the rules look at: the allocation's end and its extensions so far. */
export interface ExtensionState {
  active: boolean;
  expiresAt: Date;
  durationMinutes: number;
  extensionCount: number;
  extendedMinutes: number;
  lastExtendedAt: Date | null;
}

/** A rule that refuses: its stable code, the HTTP status, and when time alone lifts it. */
export interface ExtensionRuleRefusal {
  code:
    | 'ALLOCATION_NOT_ACTIVE'
    | 'EXTENSION_LIMIT_REACHED'
    | 'EXTENSION_TOTAL_EXCEEDED'
    | 'EXTENSION_COOLDOWN'
    | 'EXTENSION_TOO_EARLY'
    | 'EXTENSION_TOO_LONG';
  status: 403 | 409;
  message: string;
  /** The policy field (or platform limit) behind the refusal, and its value. */
  rule?: { name: keyof ExtensionPolicy | 'maxDurationMinutes'; limit: number };
  retryAt?: Date;
}

export type ExtensionVerdict =
  { allowed: true; maxAdditionalMinutes: number } | { allowed: false; refusal: ExtensionRuleRefusal };

/**
 * Whether the allocation may be extended at `now` under `policy`, and by how many minutes at most
 * (before any reservation that follows it is taken into account). Rules are checked in a fixed
 * order, so the same state always gives the same first refusal.
 */
export function extensionVerdict(
  policy: ExtensionPolicy,
  state: ExtensionState,
  now: Date,
): ExtensionVerdict {
  if (!state.active || state.expiresAt.getTime() <= now.getTime()) {
    return refuse({
      code: 'ALLOCATION_NOT_ACTIVE',
      status: 409,
      message: 'Only an active allocation can be extended',
    });
  }
  if (state.extensionCount >= policy.maxExtensions) {
    return refuse({
      code: 'EXTENSION_LIMIT_REACHED',
      status: 403,
      message: `This tier allows ${policy.maxExtensions} extension(s) per allocation`,
      rule: { name: 'maxExtensions', limit: policy.maxExtensions },
    });
  }
  const totalLeft = policy.maxTotalMinutes - state.extendedMinutes;
  if (totalLeft <= 0) return refuse(totalExceeded(policy));
  const platformLeft = ALLOCATION_LIMITS.maxDurationMinutes - state.durationMinutes;
  if (platformLeft <= 0) return refuse(platformLimit());
  if (state.lastExtendedAt && policy.cooldownMinutes > 0) {
    const coolUntil = new Date(state.lastExtendedAt.getTime() + policy.cooldownMinutes * MINUTE_MS);
    if (coolUntil.getTime() > now.getTime()) {
      return refuse({
        code: 'EXTENSION_COOLDOWN',
        status: 403,
        message: `Extensions must be ${policy.cooldownMinutes} minute(s) apart`,
        rule: { name: 'cooldownMinutes', limit: policy.cooldownMinutes },
        retryAt: coolUntil,
      });
    }
  }
  const windowOpens = new Date(state.expiresAt.getTime() - policy.windowMinutes * MINUTE_MS);
  if (windowOpens.getTime() > now.getTime()) {
    return refuse({
      code: 'EXTENSION_TOO_EARLY',
      status: 403,
      message: `An allocation can be extended in its last ${policy.windowMinutes} minute(s)`,
      rule: { name: 'windowMinutes', limit: policy.windowMinutes },
      retryAt: windowOpens,
    });
  }
  return {
    allowed: true,
    maxAdditionalMinutes: Math.min(policy.maxMinutesPerExtension, totalLeft, platformLeft),
  };
}

/** The refusal for extending by `additionalMinutes` now, or null when every rule allows it. */
export function extensionRefusal(
  policy: ExtensionPolicy,
  state: ExtensionState,
  now: Date,
  additionalMinutes: number,
): ExtensionRuleRefusal | null {
  const verdict = extensionVerdict(policy, state, now);
  if (!verdict.allowed) return verdict.refusal;
  if (additionalMinutes <= verdict.maxAdditionalMinutes) return null;
  if (additionalMinutes > policy.maxMinutesPerExtension) {
    return {
      code: 'EXTENSION_TOO_LONG',
      status: 403,
      message: `One extension may add at most ${policy.maxMinutesPerExtension} minute(s)`,
      rule: { name: 'maxMinutesPerExtension', limit: policy.maxMinutesPerExtension },
    };
  }
  if (state.extendedMinutes + additionalMinutes > policy.maxTotalMinutes) return totalExceeded(policy);
  return platformLimit();
}

function totalExceeded(policy: ExtensionPolicy): ExtensionRuleRefusal {
  return {
    code: 'EXTENSION_TOTAL_EXCEEDED',
    status: 403,
    message: `Extensions of one allocation may add ${policy.maxTotalMinutes} minute(s) in all`,
    rule: { name: 'maxTotalMinutes', limit: policy.maxTotalMinutes },
  };
}

function platformLimit(): ExtensionRuleRefusal {
  return {
    code: 'EXTENSION_TOO_LONG',
    status: 403,
    message: `An allocation may last at most ${ALLOCATION_LIMITS.maxDurationMinutes} minutes in all`,
    rule: { name: 'maxDurationMinutes', limit: ALLOCATION_LIMITS.maxDurationMinutes },
  };
}

function refuse(refusal: ExtensionRuleRefusal): ExtensionVerdict {
  return { allowed: false, refusal };
}
