import { CommonErrors } from '@cloudphone/shared';

export const AuditErrors = {
  noLoginHistoryForServices: () => CommonErrors.forbidden('A service token has no login history'),
};
