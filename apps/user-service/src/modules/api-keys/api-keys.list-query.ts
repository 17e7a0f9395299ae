import type { ListQuerySpec } from '@cloudphone/shared';

export const API_KEYS_LIST_QUERY: ListQuerySpec = {
  sortable: { createdAt: 'createdAt', name: 'name', lastUsedAt: 'lastUsedAt' },
  defaultSort: '-createdAt',
  filters: {
    // `active=true`: keys not revoked (an expired one is listed too; its expiresAt tells).
    active: { type: 'boolean', column: 'revokedAt', operator: 'isNull' },
  },
};
