import { USER_STATUSES, USER_TIERS } from '@cloudphone/contracts';
import type { ListQuerySpec } from '@cloudphone/shared';

export const USERS_LIST_QUERY: ListQuerySpec = {
  sortable: { createdAt: 'createdAt', email: 'email', displayName: 'displayName' },
  defaultSort: '-createdAt',
  filters: {
    status: { type: 'enum', column: 'status', values: USER_STATUSES },
    tier: { type: 'enum', column: 'tier', values: USER_TIERS },
    tenantId: { type: 'string', column: 'tenantId' },
    createdFrom: { type: 'datetime', column: 'createdAt', operator: '>=' },
    createdTo: { type: 'datetime', column: 'createdAt', operator: '<' },
  },
};
