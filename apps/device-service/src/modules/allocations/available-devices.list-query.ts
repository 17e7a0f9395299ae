import type { ListQuerySpec } from '@cloudphone/shared';

/** `GET /scheduler/devices/available`: filters mirror an allocation's requirements. */
export const AVAILABLE_DEVICES_QUERY: ListQuerySpec = {
  sortable: {
    cpuCores: 'cpuCores',
    memoryMb: 'memoryMb',
    storageGb: 'storageGb',
    region: 'region',
    createdAt: 'createdAt',
  },
  defaultSort: 'cpuCores,memoryMb,storageGb',
  filters: {
    region: { type: 'string', column: 'region' },
    androidVersion: { type: 'string', column: 'androidVersion' },
    minCpuCores: { type: 'integer', columnType: 'integer', column: 'cpuCores', operator: '>=' },
    minMemoryMb: { type: 'integer', columnType: 'integer', column: 'memoryMb', operator: '>=' },
    minStorageGb: { type: 'integer', columnType: 'integer', column: 'storageGb', operator: '>=' },
  },
};
