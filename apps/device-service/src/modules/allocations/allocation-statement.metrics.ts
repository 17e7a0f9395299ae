import type { MetricsService } from '@cloudphone/shared';
import type { Histogram } from 'prom-client';

/**
 * Items per activation or end statement (allocation-transitions.repository.ts): concurrent requests of a
 * replica share one; 1 means every request went alone.
 */
export function allocationStatementBatchItems(metrics: MetricsService): Histogram<'operation'> {
  return metrics.histogram({
    name: 'cloudphone_allocation_statement_batch_items',
    help: 'Allocations one activation or end statement changed at once, by operation (activate, end)',
    labelNames: ['operation'],
    buckets: [1, 2, 4, 8, 16, 32, 64, 100],
  });
}
