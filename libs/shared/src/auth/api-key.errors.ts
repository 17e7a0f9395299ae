import { AppError } from '../errors/app-error';

export const ApiKeyErrors = {
  // One answer for unknown, malformed, revoked and expired keys and suspended owners: a caller
  // cannot learn which (and so cannot probe for keys that once existed).
  invalid: () =>
    new AppError('API_KEY_INVALID', 401, 'Invalid, revoked or expired API key, or its owner is not active'),
  closedRoute: () =>
    new AppError('API_KEY_SCOPE', 403, 'API keys may not call this route; use a user token', {
      required: null,
    }),
  missingScope: (required: string, scopes: readonly string[]) =>
    new AppError('API_KEY_SCOPE', 403, `This API key lacks the scope ${required}`, {
      required,
      scopes: [...scopes],
    }),
};
