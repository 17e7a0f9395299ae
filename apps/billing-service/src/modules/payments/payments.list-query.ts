import { PAYMENT_PROVIDERS, PAYMENT_STATUSES } from '@cloudphone/contracts';
import type { ListQuerySpec } from '@cloudphone/shared';

export const PAYMENTS_LIST_QUERY: ListQuerySpec = {
  sortable: { createdAt: 'createdAt', amount: 'amountMinor' },
  defaultSort: '-createdAt',
  filters: {
    status: { type: 'enum', column: 'status', values: PAYMENT_STATUSES },
    provider: { type: 'enum', column: 'provider', values: PAYMENT_PROVIDERS },
    userId: { type: 'uuid', column: 'userId' },
  },
};
