import { PROXY_RENTAL_END_REASONS } from '@cloudphone/contracts';
import type { ListQuerySpec } from '@cloudphone/shared';

export const RENTALS_LIST_QUERY: ListQuerySpec = {
  sortable: { startedAt: 'startedAt', endedAt: 'endedAt', expiresAt: 'expiresAt' },
  defaultSort: '-startedAt',
  filters: {
    userId: { type: 'uuid', column: 'userId' },
    allocationId: { type: 'uuid', column: 'allocationId' },
    endReason: { type: 'enum', column: 'endReason', values: PROXY_RENTAL_END_REASONS },
    live: { type: 'boolean', column: 'endedAt', operator: 'isNull' },
  },
};
