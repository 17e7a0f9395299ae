import { Module } from '@nestjs/common';
import { DeviceServiceConfig } from '../../config/device-service.config';
import { DEVICE_PROVIDER } from './device-provider';
import { createDeviceProvider } from './device-provider.factory';

/** Provides the configured DeviceProvider under the DEVICE_PROVIDER token. */
@Module({
  providers: [{ provide: DEVICE_PROVIDER, useFactory: createDeviceProvider, inject: [DeviceServiceConfig] }],
  exports: [DEVICE_PROVIDER],
})
export class DeviceProviderModule {}
