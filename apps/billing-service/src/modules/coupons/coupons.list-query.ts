import { COUPON_KINDS, COUPON_STATUSES } from '@cloudphone/contracts';
import type { ListQuerySpec } from '@cloudphone/shared';

/** `code` is matched exactly; the service upper-cases it first (codes are stored in upper case). */
export const COUPONS_LIST_QUERY: ListQuerySpec = {
  sortable: { createdAt: 'createdAt', code: 'code', expiresAt: 'expiresAt', redeemedCount: 'redeemedCount' },
  defaultSort: '-createdAt',
  filters: {
    status: { type: 'enum', column: 'status', values: COUPON_STATUSES },
    kind: { type: 'enum', column: 'kind', values: COUPON_KINDS },
    code: { type: 'string', column: 'code' },
    currency: { type: 'string', column: 'currency' },
  },
};
