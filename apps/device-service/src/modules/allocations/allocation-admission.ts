import { Injectable } from '@nestjs/common';
import { AdmissionGate, AdmissionRefusedError, MetricsService } from '@cloudphone/shared';
import type { Counter, Histogram } from 'prom-client';
import { DeviceServiceConfig } from '../../config/device-service.config';
import { AllocationErrors } from './allocations.errors';

/**
 * Admission control of allocate calls on this replica (ALLOCATE_MAX_IN_FLIGHT, _MAX_QUEUED,
 * _MAX_WAIT_MS). Past what the machine serves, each extra concurrent allocate only slows all of
 * them until the quota and balance calls outlive their timeouts and every refusal costs a give-back;
 * waiting here instead holds no device and no quota, and an excess call is refused (503
 * ALLOCATION_BUSY) before it touches anything.
 */
@Injectable()
export class AllocationAdmission {
  private readonly gate: AdmissionGate;
  private readonly waits: Histogram;
  private readonly refusals: Counter<'reason'>;

  constructor(config: DeviceServiceConfig, metrics: MetricsService) {
    const gate = new AdmissionGate({
      maxInFlight: config.allocateMaxInFlight,
      maxQueued: config.allocateMaxQueued,
      maxWaitMs: config.allocateMaxWaitMs,
    });
    this.gate = gate;
    metrics.gauge({
      name: 'cloudphone_allocation_admission_calls',
      help: 'Allocate calls on this replica: running, or waiting for admission',
      labelNames: ['state'],
      collect() {
        this.set({ state: 'running' }, gate.inFlight);
        this.set({ state: 'waiting' }, gate.queued);
      },
    });
    this.waits = metrics.histogram({
      name: 'cloudphone_allocation_admission_wait_seconds',
      help: 'Time allocate calls waited for admission before running',
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    });
    this.refusals = metrics.counter({
      name: 'cloudphone_allocation_admission_refusals_total',
      help: 'Allocate calls refused for admission (503 ALLOCATION_BUSY), by reason',
      labelNames: ['reason'],
    });
  }

  /** Runs one allocate call once admitted; ALLOCATION_BUSY when the queue is full or the wait too long. */
  async run<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await this.gate.run(call, (ms) => this.waits.observe(ms / 1000));
    } catch (error) {
      if (!(error instanceof AdmissionRefusedError)) throw error;
      this.refusals.inc({ reason: error.reason });
      throw AllocationErrors.busy();
    }
  }
}
