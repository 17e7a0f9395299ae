/**
 * sms-receive-service paths, relative to its base URL. The replaced platform's paths where it had
 * the same operation (shared/replaced-platform-routes.md). `sms/:id` (a message) only matches a
 * uuid and is registered after every static `sms/<name>` path.
 */
export const SMS_RECEIVE_ROUTES = {
  /** POST: rent a number for a service and country; GET: numbers, paginated (a user sees their own). */
  numbers: 'sms/numbers',
  /** POST: rent 1–10 numbers, one result per item. */
  numbersBatch: 'sms/numbers/batch',
  /** GET: one number with its code, if any (owner, admin, service); DELETE: cancel it. */
  number: 'sms/numbers/:id',
  /** POST: give the number back unused: cancelled at the provider, never charged. */
  numberCancel: 'sms/numbers/:id/cancel',
  /** POST: done with the number after its code (already charged): the provider is told it is paid. */
  numberFinish: 'sms/numbers/:id/finish',
  /** GET: the number's messages, oldest first. */
  numberMessages: 'sms/numbers/:id/messages',
  /** GET: the code, waiting up to `waitSeconds` (long poll) for it to arrive. */
  numberCode: 'sms/numbers/:id/code',
  /** GET: the caller's received messages, newest first (an admin or a service: anyone's). */
  messages: 'sms',
  /** GET: the codes received, newest first. */
  verificationCodes: 'sms/verification-codes',
  /** GET (admin, service): numbers, codes, charges and time to code per service and country. */
  statistics: 'sms/statistics',
  /** GET (admin, service): providers; POST (admin): add one. */
  providers: 'sms/providers',
  /** GET (admin, service): success rate, time to code, cost and health per provider. */
  providersPerformance: 'sms/providers/performance',
  /** GET (admin, service), PUT, DELETE (admin): one provider. */
  provider: 'sms/providers/:id',
  /** POST (admin): call the provider's API with its key (balance). */
  providerTest: 'sms/providers/:id/test',
  /** PATCH (admin): enable or disable a provider. */
  providerToggle: 'sms/providers/:id/toggle',
  /** GET: one message (its number's owner, admin, service). */
  message: 'sms/:id',
} as const;
