import { SMS_NUMBER_STATUSES } from '@cloudphone/contracts';
import type { ListQuerySpec } from '@cloudphone/shared';

export const NUMBERS_LIST_QUERY: ListQuerySpec = {
  sortable: { createdAt: 'createdAt', expiresAt: 'expiresAt' },
  defaultSort: '-createdAt',
  filters: {
    userId: { type: 'uuid', column: 'userId' },
    status: { type: 'enum', column: 'status', values: SMS_NUMBER_STATUSES },
    service: { type: 'string', column: 'service' },
    countryCode: { type: 'string', column: 'countryCode' },
    provider: { type: 'string', column: 'provider' },
    allocationId: { type: 'uuid', column: 'allocationId' },
  },
};
