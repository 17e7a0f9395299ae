import { QUEUE_ENTRY_STATUSES, USER_TIERS } from '@cloudphone/contracts';
import type { ListQuerySpec } from '@cloudphone/shared';

/** `GET /scheduler/queue`: filters and sorts a caller may use (a user's list is always their own). */
export const QUEUE_LIST_QUERY: ListQuerySpec = {
  sortable: { createdAt: 'createdAt', enqueuedAt: 'enqueuedAt' },
  defaultSort: '-createdAt',
  filters: {
    userId: { type: 'uuid', column: 'userId' },
    status: { type: 'enum', column: 'status', values: QUEUE_ENTRY_STATUSES },
    tier: { type: 'enum', column: 'tier', values: USER_TIERS },
  },
};
