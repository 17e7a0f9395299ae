import { DELIVERY_STATUSES, NOTIFICATION_CHANNELS } from '@cloudphone/contracts';
import type { ListQuerySpec } from '@cloudphone/shared';

export const DELIVERIES_LIST_QUERY: ListQuerySpec = {
  sortable: { createdAt: 'createdAt', updatedAt: 'updatedAt' },
  defaultSort: '-createdAt',
  filters: {
    userId: { type: 'uuid', column: 'userId' },
    channel: { type: 'enum', column: 'channel', values: NOTIFICATION_CHANNELS },
    status: { type: 'enum', column: 'status', values: DELIVERY_STATUSES },
    eventType: { type: 'string', column: 'eventType' },
    target: { type: 'string', column: 'target' },
  },
};
