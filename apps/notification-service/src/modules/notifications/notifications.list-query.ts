import type { ListQuerySpec } from '@cloudphone/shared';

export const NOTIFICATIONS_LIST_QUERY: ListQuerySpec = {
  sortable: { createdAt: 'createdAt' },
  defaultSort: '-createdAt',
  filters: {
    type: { type: 'string', column: 'type' },
    userId: { type: 'uuid', column: 'userId' },
    unread: { type: 'boolean', column: 'readAt', operator: 'isNull' },
  },
};
