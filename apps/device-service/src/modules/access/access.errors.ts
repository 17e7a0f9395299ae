import { AppError } from '@cloudphone/shared';

export const AccessErrors = {
  /** Not active, not theirs, or no such allocation: one answer, so ids of others do not leak. */
  noAccess: (details: Record<string, string>) =>
    new AppError('ACCESS_NOT_AVAILABLE', 404, 'No active allocation gives access to this', details),
  invalidToken: () =>
    new AppError(
      'ACCESS_TOKEN_INVALID',
      401,
      'The access token is malformed, forged, or its allocation ended',
    ),
  noStream: (provider: string) =>
    new AppError('ACCESS_STREAM_UNSUPPORTED', 501, `Provider ${provider} has no screen stream; use ADB`, {
      provider,
    }),
  streamFailed: (reason: string) =>
    new AppError('ACCESS_STREAM_FAILED', 502, `The device's screen stream failed: ${reason}`),
};
