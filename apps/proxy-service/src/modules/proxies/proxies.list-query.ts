import type { ListQuerySpec } from '@cloudphone/shared';
import { PROXY_PROTOCOLS, PROXY_STATUSES } from './proxy-record';

export const PROXIES_LIST_QUERY: ListQuerySpec = {
  sortable: { createdAt: 'createdAt', qualityScore: 'qualityScore', cost: 'costPerGbMicros' },
  defaultSort: '-qualityScore',
  filters: {
    status: { type: 'enum', column: 'status', values: PROXY_STATUSES },
    protocol: { type: 'enum', column: 'protocol', values: PROXY_PROTOCOLS },
    countryCode: { type: 'string', column: 'countryCode' },
    provider: { type: 'string', column: 'provider' },
    minQualityScore: { type: 'integer', columnType: 'smallint', column: 'qualityScore', operator: '>=' },
  },
};
