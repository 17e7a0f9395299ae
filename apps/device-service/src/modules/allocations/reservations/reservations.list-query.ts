import { RESERVATION_STATUSES } from '@cloudphone/contracts';
import type { ListQuerySpec } from '@cloudphone/shared';

/** `GET /scheduler/reservations`: filters and sorts a caller may use (a user's list is always their own). */
export const RESERVATIONS_LIST_QUERY: ListQuerySpec = {
  sortable: { createdAt: 'createdAt', startAt: 'startAt', endAt: 'endAt' },
  defaultSort: 'startAt',
  filters: {
    userId: { type: 'uuid', column: 'userId' },
    deviceId: { type: 'uuid', column: 'deviceId' },
    status: { type: 'enum', column: 'status', values: RESERVATION_STATUSES },
    tenantId: { type: 'string', column: 'tenantId' },
    /** Reservations starting at or after this time. */
    from: { type: 'datetime', column: 'startAt', operator: '>=' },
    /** Reservations starting before this time. */
    to: { type: 'datetime', column: 'startAt', operator: '<' },
  },
};
