/** A proxy's probes in the scoring window. */
export interface ProbeWindow {
  probes: number;
  successes: number;
  /** Average latency of the successful probes; null when none succeeded. */
  averageLatencyMs: number | null;
}

/** At or under this a proxy is as fast as it needs to be; at or over the slow one, speed earns nothing. */
const FAST_MS = 100;
const SLOW_MS = 2000;

/**
 * The quality score (0–100) of a proxy from its recent probes: mostly whether it works (70 %), the
 * rest how fast it answers when it does (30 %), so a fast proxy that fails half the time still
 * ranks below a slow one that always works. Null without probes: the score stays as it was.
 */
export function qualityScore(window: ProbeWindow): number | null {
  if (window.probes <= 0) return null;
  const successRate = Math.min(1, Math.max(0, window.successes / window.probes));
  const latency = window.averageLatencyMs ?? SLOW_MS;
  const speed = Math.min(1, Math.max(0, (SLOW_MS - latency) / (SLOW_MS - FAST_MS)));
  return Math.round(100 * successRate * (0.7 + 0.3 * speed));
}
