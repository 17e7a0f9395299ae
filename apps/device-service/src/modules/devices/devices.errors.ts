import type { DeviceStatus } from '@cloudphone/contracts';
import { AppError, CommonErrors } from '@cloudphone/shared';
import type { DeviceProviderOperation } from '../../integrations/device-provider/device-provider';

export const DeviceErrors = {
  notFound: (deviceId: string) => new AppError('DEVICE_NOT_FOUND', 404, 'Device not found', { deviceId }),
  emptyUpdate: () => CommonErrors.validationFailed('Nothing to update: send at least one of status, health'),
  unknownProvider: (requested: string, configured: string) =>
    CommonErrors.validationFailed(`provider: this deployment creates devices with ${configured} only`, [
      { field: 'provider', reasons: [`must be ${configured} (got ${requested})`] },
    ]),
  inUse: (deviceId: string, allocationId: string) =>
    CommonErrors.conflict('DEVICE_IN_USE', 'The device is allocated or booked; release or cancel first', {
      deviceId,
      allocationId,
    }),
  retired: (deviceId: string) =>
    CommonErrors.conflict('DEVICE_RETIRED', 'The device is retired and can no longer change', { deviceId }),
  providerNotConfigured: (deviceId: string, provider: string) =>
    CommonErrors.conflict(
      'DEVICE_PROVIDER_NOT_CONFIGURED',
      `The device belongs to provider ${provider}, which this deployment does not run`,
      { deviceId, provider },
    ),
  providerFailed: (provider: string, operation: DeviceProviderOperation, reason: string) =>
    new AppError('DEVICE_PROVIDER_FAILED', 502, `Device provider ${provider} failed: ${reason}`, {
      provider,
      operation,
    }),
  providerTimeout: (provider: string, operation: 'create' | 'reset', timeoutMs: number) =>
    new AppError(
      'DEVICE_PROVIDER_TIMEOUT',
      504,
      `Device provider ${provider} did not ${operation === 'create' ? 'boot' : 'wipe'} the device within ${timeoutMs} ms`,
      { provider, operation, timeoutMs },
    ),
  illegalTransition: (deviceId: string, from: DeviceStatus, to: DeviceStatus) =>
    CommonErrors.conflict('DEVICE_ILLEGAL_TRANSITION', `A device cannot go from ${from} to ${to}`, {
      deviceId,
      from,
      to,
    }),
  nodeNotUsable: (nodeId: string, reason: string) =>
    CommonErrors.conflict('NODE_NOT_USABLE', `The device cannot join this node: ${reason}`, { nodeId }),
  beingWiped: (deviceId: string) =>
    CommonErrors.conflict('DEVICE_RESETTING', 'The device is being wiped; retire it once it is back', {
      deviceId,
    }),
  notOperable: (deviceId: string, status: DeviceStatus) =>
    CommonErrors.conflict('DEVICE_NOT_OPERABLE', `A ${status} device takes no power orders`, {
      deviceId,
      status,
    }),
};
