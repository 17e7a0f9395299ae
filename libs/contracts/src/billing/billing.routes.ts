/** billing-service paths, relative to its base URL. */
export const BILLING_ROUTES = {
  accounts: 'billing/accounts',
} as const;
