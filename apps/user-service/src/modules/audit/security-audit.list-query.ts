import { SECURITY_AUDIT_EVENTS } from '@cloudphone/contracts';
import type { ListQuerySpec } from '@cloudphone/shared';

/** The events GET /auth/login-history shows a user: their logins, failures and lockouts. */
export const LOGIN_EVENTS = ['login.succeeded', 'login.failed', 'login.locked'] as const;

const OCCURRED = {
  occurredFrom: { type: 'datetime', column: 'occurredAt', operator: '>=' },
  occurredTo: { type: 'datetime', column: 'occurredAt', operator: '<' },
} as const;

/** GET /auth/audit-log (admin): the whole log, newest first. */
export const AUDIT_LOG_LIST_QUERY: ListQuerySpec = {
  sortable: { occurredAt: 'occurredAt' },
  defaultSort: '-occurredAt',
  filters: {
    userId: { type: 'uuid', column: 'userId' },
    event: { type: 'enum', column: 'event', values: SECURITY_AUDIT_EVENTS },
    ...OCCURRED,
  },
};

/** GET /auth/login-history (the caller's own logins), newest first. */
export const LOGIN_HISTORY_LIST_QUERY: ListQuerySpec = {
  sortable: { occurredAt: 'occurredAt' },
  defaultSort: '-occurredAt',
  filters: {
    event: { type: 'enum', column: 'event', values: LOGIN_EVENTS },
    ...OCCURRED,
  },
};
