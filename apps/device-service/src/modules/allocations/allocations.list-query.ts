import { ALLOCATION_STATUSES } from '@cloudphone/contracts';
import type { ListQuerySpec } from '@cloudphone/shared';

/** `GET /scheduler/allocations`: filters and sorts a caller may use (a user's list is always their own). */
export const ALLOCATIONS_LIST_QUERY: ListQuerySpec = {
  sortable: {
    id: 'id',
    createdAt: 'createdAt',
    startedAt: 'startedAt',
    expiresAt: 'expiresAt',
    endedAt: 'endedAt',
  },
  defaultSort: '-createdAt',
  filters: {
    userId: { type: 'uuid', column: 'userId' },
    deviceId: { type: 'uuid', column: 'deviceId' },
    status: { type: 'enum', column: 'status', values: ALLOCATION_STATUSES },
    region: { type: 'string', column: 'region' },
    tenantId: { type: 'string', column: 'tenantId' },
    /** Allocations that started at or after this time. */
    from: { type: 'datetime', column: 'startedAt', operator: '>=' },
    /** Allocations that started before this time. */
    to: { type: 'datetime', column: 'startedAt', operator: '<' },
    /** Allocations whose id sorts after this one: a cursor for `sort=id`, stable while rows come and go. */
    afterId: { type: 'uuid', column: 'id', operator: '>' },
  },
};
