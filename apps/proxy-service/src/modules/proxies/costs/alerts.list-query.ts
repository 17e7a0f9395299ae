import { PROXY_ALERT_KINDS, PROXY_ALERT_STATUSES } from '@cloudphone/contracts';
import type { ListQuerySpec } from '@cloudphone/shared';

export const ALERTS_LIST_QUERY: ListQuerySpec = {
  sortable: { raisedAt: 'raisedAt' },
  defaultSort: '-raisedAt',
  filters: {
    status: { type: 'enum', column: 'status', values: PROXY_ALERT_STATUSES },
    kind: { type: 'enum', column: 'kind', values: PROXY_ALERT_KINDS },
  },
};
