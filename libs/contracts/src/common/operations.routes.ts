/**
 * The operator endpoints every service serves (admin or service token), relative to its base URL:
 * what the ops CLI (`npx cloudphone`) calls, so it cannot ask for a path no service serves.
 */
export const OPERATIONS_ROUTES = {
  /** GET: jobs, schedules, pause state and recent runs. */
  cron: 'internal/cron',
  /** POST: run now on the answering replica, under the job's lock. */
  cronTrigger: 'internal/cron/:job/trigger',
  /** POST: pause on every replica. */
  cronPause: 'internal/cron/:job/pause',
  /** POST: resume on every replica. */
  cronResume: 'internal/cron/:job/resume',
  /** GET: per destination, pending, failing and rejected rows. */
  outbox: 'internal/outbox',
  /** GET: rows by ?state=&destination=&limit=. */
  outboxMessages: 'internal/outbox/messages',
  /** POST: make a pending or rejected row due now. */
  outboxRetry: 'internal/outbox/messages/:id/retry',
  /** GET: the service's dead-letter queue, ?limit=. */
  deadLetters: 'internal/events/dead-letters',
  /** POST: send dead letters back to the service's own queue. */
  deadLettersReplay: 'internal/events/dead-letters/replay',
} as const;

/** `route` with its `:name` segments filled in, each value percent-encoded. */
export function operationsPath(route: string, parameters: Record<string, string> = {}): string {
  return route.replace(/:(\w+)/g, (_, name: string) => {
    const value = parameters[name];
    if (value === undefined) throw new Error(`${route} needs :${name}`);
    return encodeURIComponent(value);
  });
}
