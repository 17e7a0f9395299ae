import {
  collectDefaultMetrics,
  Counter,
  type CounterConfiguration,
  Gauge,
  type GaugeConfiguration,
  Histogram,
  type HistogramConfiguration,
  Registry,
} from 'prom-client';
import { EVENT_LOOP_SAMPLE_MS } from '../concurrency/event-loop-sampling';

/**
 * One Prometheus registry per application (not prom-client's global one, so several apps in one
 * test process never clash). Capabilities get-or-create their metrics here by name. Provided by
 * the infrastructure module through a factory.
 */
export class MetricsService {
  readonly registry = new Registry();

  /**
   * Only `service` is a default label: the replica is Prometheus's own target label `instance`, so
   * a scrape needs no honor_labels (docs/monitoring.md, "Scraping").
   */
  constructor(serviceName: string) {
    this.registry.setDefaultLabels({ service: serviceName });
    // The event-loop delay histogram samples as often as readiness's monitor (EVENT_LOOP_SAMPLE_MS says why).
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  }

  /** Returns the counter registered under `config.name`, creating it on first use. */
  counter<L extends string>(config: Omit<CounterConfiguration<L>, 'registers'>): Counter<L> {
    return this.existing(config.name, Counter) ?? new Counter({ ...config, registers: [this.registry] });
  }

  /** Returns the gauge registered under `config.name`, creating it on first use. */
  gauge<L extends string>(config: Omit<GaugeConfiguration<L>, 'registers'>): Gauge<L> {
    return this.existing(config.name, Gauge) ?? new Gauge({ ...config, registers: [this.registry] });
  }

  /** Returns the histogram registered under `config.name`, creating it on first use. */
  histogram<L extends string>(config: Omit<HistogramConfiguration<L>, 'registers'>): Histogram<L> {
    return this.existing(config.name, Histogram) ?? new Histogram({ ...config, registers: [this.registry] });
  }

  private existing<T>(name: string, type: abstract new (...args: never[]) => T): T | undefined {
    const metric = this.registry.getSingleMetric(name);
    if (metric === undefined) return undefined;
    if (!(metric instanceof type)) throw new Error(`Metric ${name} is already registered with another type`);
    return metric;
  }
}
