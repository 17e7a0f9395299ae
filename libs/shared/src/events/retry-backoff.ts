/** The outbox's one retry policy, for events RabbitMQ refused and messages a destination deferred. */
export interface RetryBackoff {
  initialDelayMs: number;
  maxDelayMs: number;
}

/**
 * The wait before attempt `attempts + 1`, after `attempts` failed ones: doubling from the initial
 * delay up to the ceiling, half fixed and half jitter, so replicas that failed together spread out
 * yet never retry much too soon. `random` is injectable for tests.
 */
export function retryDelayMs(
  attempts: number,
  backoff: RetryBackoff,
  random: () => number = Math.random,
): number {
  const planned = Math.min(
    backoff.maxDelayMs,
    backoff.initialDelayMs * 2 ** Math.min(30, Math.max(0, attempts - 1)),
  );
  return Math.ceil(planned / 2 + random() * (planned / 2));
}
