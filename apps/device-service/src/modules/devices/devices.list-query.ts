import { DEVICE_HEALTH_STATES, DEVICE_STATUSES } from '@cloudphone/contracts';
import type { ListQuerySpec } from '@cloudphone/shared';

export const DEVICES_LIST_QUERY: ListQuerySpec = {
  sortable: { createdAt: 'createdAt', cpuCores: 'cpuCores', memoryMb: 'memoryMb', region: 'region' },
  defaultSort: '-createdAt',
  filters: {
    status: { type: 'enum', column: 'status', values: DEVICE_STATUSES },
    health: { type: 'enum', column: 'health', values: DEVICE_HEALTH_STATES },
    region: { type: 'string', column: 'region' },
    provider: { type: 'string', column: 'provider' },
    androidVersion: { type: 'string', column: 'androidVersion' },
    minCpuCores: { type: 'integer', columnType: 'integer', column: 'cpuCores', operator: '>=' },
  },
};
