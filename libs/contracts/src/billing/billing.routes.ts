/** billing-service paths, relative to its base URL. */
export const BILLING_ROUTES = {
  accounts: 'billing/accounts',
  /** GET: one user's account and balance. */
  account: 'billing/accounts/:userId',
  /** POST: does the balance cover this allocation for this long? Read-only. */
  balanceCheck: 'billing/balance/check',
  /** POST: record and charge one allocation's usage, exactly once per allocationId. */
  usage: 'billing/usage',
  /** POST: the same for up to USAGE_BATCH_MAX_ITEMS allocations, with a result per item. */
  usageBatch: 'billing/usage/batch',
  /**
   * POST (service): charge a user's account for another service (a proxy rental, an SMS code),
   * exactly once per `reference`.
   */
  charges: 'billing/charges',
  /** POST (service): the same for up to SERVICE_CHARGE_BATCH_MAX_ITEMS charges, with a result per item. */
  chargesBatch: 'billing/charges/batch',
  /** POST (admin): credit a user's account; idempotent per `reference`. */
  accountTopUp: 'billing/accounts/:userId/top-up',
  /** GET: the price plan in force for a currency; PUT (admin): a new version, in force from now. */
  pricing: 'billing/pricing',
} as const;
