import type { ListQuerySpec } from '@cloudphone/shared';

export const MESSAGES_LIST_QUERY: ListQuerySpec = {
  sortable: { receivedAt: 'receivedAt' },
  defaultSort: '-receivedAt',
  filters: {
    userId: { type: 'uuid', column: 'userId' },
    numberId: { type: 'uuid', column: 'numberId' },
    service: { type: 'string', column: 'service' },
  },
};
