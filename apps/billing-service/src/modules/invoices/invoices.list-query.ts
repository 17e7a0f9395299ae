import { INVOICE_STATUSES } from '@cloudphone/contracts';
import type { ListQuerySpec } from '@cloudphone/shared';

/**
 * `period` is declared a string filter on periodStart so that the list parser accepts it; the
 * service checks it is a YYYY-MM month and turns it into the month's first day.
 */
export const INVOICES_LIST_QUERY: ListQuerySpec = {
  sortable: {
    periodStart: 'periodStart',
    issuedAt: 'issuedAt',
    number: 'number',
    amountDue: 'amountDueMinor',
  },
  defaultSort: '-periodStart',
  filters: {
    userId: { type: 'uuid', column: 'userId' },
    status: { type: 'enum', column: 'status', values: INVOICE_STATUSES },
    period: { type: 'string', column: 'periodStart' },
  },
};
