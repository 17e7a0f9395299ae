import type { ListQuerySpec } from '@cloudphone/shared';
import { ACCOUNT_STATUSES } from './account-record';

export const ACCOUNTS_LIST_QUERY: ListQuerySpec = {
  sortable: { createdAt: 'createdAt', balance: 'balanceMinor' },
  defaultSort: '-createdAt',
  filters: {
    status: { type: 'enum', column: 'status', values: ACCOUNT_STATUSES },
    userId: { type: 'uuid', column: 'userId' },
    tenantId: { type: 'string', column: 'tenantId' },
  },
};
