import { AppError, CommonErrors } from '@cloudphone/shared';

export const PoolErrors = {
  notFound: (proxyId: string) => new AppError('PROXY_NOT_FOUND', 404, 'Proxy not found', { proxyId }),
  duplicate: (provider: string, host: string, port: number) =>
    CommonErrors.conflict('PROXY_EXISTS', 'This provider already has a proxy at this host and port', {
      provider,
      host,
      port,
    }),
  unknownProvider: (provider: string) =>
    new AppError('PROXY_PROVIDER_NOT_FOUND', 404, `No provider named ${provider}`, { provider }),
  retired: (proxyId: string) =>
    CommonErrors.conflict('PROXY_RETIRED', 'The proxy is retired and can no longer change', { proxyId }),
  busy: (proxyId: string) =>
    CommonErrors.conflict('PROXY_BUSY', 'The proxy kept being rented while it was retired; try again', {
      proxyId,
    }),
  emptyUpdate: () =>
    CommonErrors.validationFailed(
      'Nothing to update: send at least one of city, costPerHourMicros, costPerGbMicros, username, password',
    ),
};
