import { CURRENCY_PATTERN } from '@cloudphone/contracts';
import type { AllocationCharge } from './allocation-charges.repository';

// Any integer the allocation's bigint column holds (contracts' MINOR_UNITS_PATTERN stops at 18 digits).
const MINOR_UNITS = /^-?\d{1,19}$/;
const BIGINT_MAX = 2n ** 63n - 1n;

/**
 * The charge billing-service's answer to an allocation's usage report carries: the usage of a
 * `POST /billing/usage` answer, or of one item of `POST /billing/usage/batch` (whose `usage` it is).
 * Undefined when the answer names another allocation or carries no amount and currency that fit the
 * allocation's columns (an older billing-service answers no currency): the report is settled all the
 * same, since billing has the usage, and the allocation shows no charge.
 */
export function chargeOfBillingAnswer(allocationId: string, answer: unknown): AllocationCharge | undefined {
  if (typeof answer !== 'object' || answer === null) return undefined;
  const item = answer as { usage?: unknown };
  const usage = (typeof item.usage === 'object' && item.usage !== null ? item.usage : answer) as {
    allocationId?: unknown;
    amountMinor?: unknown;
    currency?: unknown;
  };
  const { amountMinor, currency } = usage;
  if (usage.allocationId !== allocationId) return undefined;
  if (typeof amountMinor !== 'string' || !MINOR_UNITS.test(amountMinor)) return undefined;
  const amount = BigInt(amountMinor);
  if (amount > BIGINT_MAX || amount < -BIGINT_MAX - 1n) return undefined;
  if (typeof currency !== 'string' || !CURRENCY_PATTERN.test(currency)) return undefined;
  return { allocationId, amountMinor, currency };
}
