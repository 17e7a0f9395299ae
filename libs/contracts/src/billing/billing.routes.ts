/** billing-service paths, relative to its base URL. */
export const BILLING_ROUTES = {
  accounts: 'billing/accounts',
  /** GET: one user's account and balance. */
  account: 'billing/accounts/:userId',
  /** POST: does the balance cover this allocation for this long? Read-only. */
  balanceCheck: 'billing/balance/check',
  /** POST: up to BALANCE_CHECK_BATCH_MAX_ITEMS checks in one call, answered per item. Read-only. */
  balanceCheckBatch: 'billing/balance/check/batch',
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
  /** POST: start a payment into the caller's account; GET: payments (own; admin all), paged. */
  payments: 'billing/payments',
  /** GET: one payment (its owner or an admin). */
  payment: 'billing/payments/:id',
  /** POST (simulated provider only): settle a payment as succeeded or failed. */
  paymentSimulate: 'billing/payments/:id/simulate',
  /** POST (public, signed by Stripe): Stripe's webhook events about PaymentIntents. */
  paymentWebhookStripe: 'billing/payments/webhooks/stripe',
  /** GET: invoices, paged (own; admins and services any user's). */
  invoices: 'billing/invoices',
  /** GET (admin or service): every invoice of one month as CSV (`?period=YYYY-MM`). */
  invoicesExport: 'billing/invoices/export.csv',
  /** GET: one invoice with its lines (its owner, an admin or a service). */
  invoice: 'billing/invoices/:id',
  /** GET: one invoice with its lines as CSV. */
  invoiceCsv: 'billing/invoices/:id/csv',
  /** POST (admin): create a coupon; GET (admin): list them. */
  coupons: 'billing/coupons',
  /** GET (admin): one coupon with its redemption counts; PATCH (admin): enable, disable, limits, expiry. */
  coupon: 'billing/coupons/:id',
  /** POST (user): would a coupon apply to a payment of this amount? Read-only checkout preview. */
  couponValidate: 'billing/coupons/validate',
} as const;
