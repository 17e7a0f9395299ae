import { Histogram } from 'prom-client';
import type { MetricsService } from '../metrics/metrics.service';

/**
 * How many observations a registered histogram holds for exactly `labels`, and their sum, for
 * asserting that a duration was recorded (and roughly how long it was).
 */
export async function histogramSummary(
  metrics: MetricsService,
  name: string,
  labels: Record<string, string>,
): Promise<{ count: number; sum: number }> {
  const metric = metrics.registry.getSingleMetric(name);
  if (!(metric instanceof Histogram)) throw new Error(`histogram ${name} not registered`);
  const matches = (sampleLabels: Record<string, unknown>) =>
    Object.keys(sampleLabels).filter((key) => key !== 'le').length === Object.keys(labels).length &&
    Object.entries(labels).every(([key, value]) => sampleLabels[key] === value);
  const summary = { count: 0, sum: 0 };
  for (const sample of (await metric.get()).values) {
    if (!matches(sample.labels)) continue;
    if (sample.metricName === `${name}_count`) summary.count = sample.value;
    if (sample.metricName === `${name}_sum`) summary.sum = sample.value;
  }
  return summary;
}
