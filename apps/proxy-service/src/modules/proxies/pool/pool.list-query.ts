import { PROXY_PROTOCOLS, PROXY_STATUSES, PROXY_TYPES } from '@cloudphone/contracts';
import type { ListQuerySpec } from '@cloudphone/shared';

export const POOL_LIST_QUERY: ListQuerySpec = {
  sortable: {
    createdAt: 'createdAt',
    qualityScore: 'qualityScore',
    cost: 'costPerHourMicros',
    lastProbeAt: 'lastProbeAt',
  },
  defaultSort: '-qualityScore',
  filters: {
    status: { type: 'enum', column: 'status', values: PROXY_STATUSES },
    protocol: { type: 'enum', column: 'protocol', values: PROXY_PROTOCOLS },
    type: { type: 'enum', column: 'type', values: PROXY_TYPES },
    countryCode: { type: 'string', column: 'countryCode' },
    provider: { type: 'string', column: 'provider' },
    minQualityScore: { type: 'integer', columnType: 'smallint', column: 'qualityScore', operator: '>=' },
  },
};
