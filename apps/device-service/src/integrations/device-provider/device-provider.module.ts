import { Module } from '@nestjs/common';
import { HttpClientRegistry } from '@cloudphone/shared';
import { DeviceServiceConfig } from '../../config/device-service.config';
import { DEVICE_PROVIDER } from './device-provider';
import { createDeviceProvider } from './device-provider.factory';

/**
 * Provides the configured DeviceProvider under the DEVICE_PROVIDER token. HttpClientRegistry comes
 * from the global InfrastructureModule, which also shuts its clients down with the app.
 */
@Module({
  providers: [
    {
      provide: DEVICE_PROVIDER,
      useFactory: createDeviceProvider,
      inject: [DeviceServiceConfig, HttpClientRegistry],
    },
  ],
  exports: [DEVICE_PROVIDER],
})
export class DeviceProviderModule {}
