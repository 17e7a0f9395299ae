import { Injectable } from '@nestjs/common';
import { mapInParallel, MetricsService } from '@cloudphone/shared';
import type { Counter } from 'prom-client';
import { DeviceServiceConfig } from '../../../config/device-service.config';
import { DeviceEventsPublisher } from '../device-events.publisher';
import { DeviceProvisioner } from '../device-provisioner.service';
import { DeviceHealthRepository, type ProbeResult, type ProbeTarget } from './device-health.repository';
import { probeHealthy } from './probe-verdict';

/** Devices read, probed and recorded per page. */
const PAGE = 200;

export interface HealthCheckOutcome {
  probed: number;
  unhealthy: number;
  failed: number;
}

/**
 * The device health check (§6): every available or allocated device is asked for its state by its
 * provider, DEVICE_HEALTH_CONCURRENCY at once, page by page. DEVICE_HEALTH_FAILURE_THRESHOLD failed
 * probes in a row fail the device and publish `device.failed` in the same transaction; the
 * scheduler then moves the allocation it held. One success resets the count.
 */
@Injectable()
export class DeviceHealthCheckUseCase {
  private readonly probes: Counter<'outcome'>;

  constructor(
    private readonly repository: DeviceHealthRepository,
    private readonly publisher: DeviceEventsPublisher,
    private readonly config: DeviceServiceConfig,
    private readonly provisioner: DeviceProvisioner,
    metrics: MetricsService,
  ) {
    this.probes = metrics.counter({
      name: 'cloudphone_device_health_probes_total',
      help: 'Device health probes, by outcome (healthy, unhealthy)',
      labelNames: ['outcome'],
    });
  }

  async checkAll(signal: AbortSignal): Promise<HealthCheckOutcome> {
    const outcome: HealthCheckOutcome = { probed: 0, unhealthy: 0, failed: 0 };
    let after: string | null = null;
    for (;;) {
      signal.throwIfAborted();
      const targets = await this.repository.targets(after, PAGE);
      if (targets.length === 0) return outcome;
      after = targets[targets.length - 1].id;
      const results = await mapInParallel(targets, this.config.deviceHealthConcurrency, (target) =>
        this.probe(target),
      );
      const threshold = this.config.deviceHealthFailureThreshold;
      const failed = await this.publisher.failing('devices failed their health check', () =>
        this.repository.record(results, threshold),
      );
      outcome.probed += results.length;
      outcome.unhealthy += results.filter((result) => !result.healthy).length;
      outcome.failed += failed.length;
    }
  }

  private async probe(target: ProbeTarget): Promise<ProbeResult> {
    // A device of a provider this deployment does not run cannot be asked: not a failure of the device.
    if (!(await this.provisioner.serves(target))) return { id: target.id, healthy: true };
    const state = await this.provisioner.state(target).catch(() => null);
    const healthy = probeHealthy(state, target.powerState);
    this.probes.inc({ outcome: healthy ? 'healthy' : 'unhealthy' });
    return { id: target.id, healthy };
  }
}
