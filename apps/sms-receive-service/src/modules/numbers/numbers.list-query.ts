import type { ListQuerySpec } from '@cloudphone/shared';
import { VIRTUAL_NUMBER_STATUSES } from './virtual-number-record';

export const NUMBERS_LIST_QUERY: ListQuerySpec = {
  sortable: { createdAt: 'createdAt', phoneNumber: 'phoneNumber' },
  defaultSort: '-createdAt',
  filters: {
    status: { type: 'enum', column: 'status', values: VIRTUAL_NUMBER_STATUSES },
    countryCode: { type: 'string', column: 'countryCode' },
    provider: { type: 'string', column: 'provider' },
  },
};
