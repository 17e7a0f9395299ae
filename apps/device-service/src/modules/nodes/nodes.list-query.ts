import { NODE_STATES } from '@cloudphone/contracts';
import type { ListQuerySpec } from '@cloudphone/shared';

export const NODES_LIST_QUERY: ListQuerySpec = {
  sortable: { createdAt: 'createdAt', name: 'name', region: 'region' },
  defaultSort: 'name',
  filters: {
    state: { type: 'enum', column: 'state', values: NODE_STATES },
    region: { type: 'string', column: 'region' },
  },
};
