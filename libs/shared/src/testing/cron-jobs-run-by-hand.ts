/**
 * CRON_SCHEDULE_OVERRIDES for a service booted in a test: every cron job off unless `overrides` (the
 * test's own, JSON) names it. Tests run jobs by hand at the steps they choose; a job fired by the
 * real clock between two of those steps (a minutely expiry seeing a test clock's moved time, a
 * reconciliation racing the test's own pass) made results depend on the minute a test ran.
 */
export function cronJobsRunByHand(overrides = '{}'): string {
  return JSON.stringify({ '*': { disabled: true }, ...(JSON.parse(overrides) as Record<string, unknown>) });
}
