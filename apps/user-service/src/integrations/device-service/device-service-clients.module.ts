import { Module } from '@nestjs/common';
import { SERVICE_CATALOG } from '@cloudphone/contracts';
import { HttpClientRegistry, MetricsService } from '@cloudphone/shared';
import { UserServiceConfig } from '../../config/user-service.config';
import { DeviceReservationsClient } from './device-reservations.client';

/**
 * user-service's own clients of device-service, on the shared registry's `device-service` client
 * (the one PlatformClientsModule's DeviceAllocationsClient uses: one circuit breaker per target).
 */
@Module({
  providers: [
    {
      provide: DeviceReservationsClient,
      inject: [HttpClientRegistry, MetricsService, UserServiceConfig],
      useFactory: (registry: HttpClientRegistry, metrics: MetricsService, config: UserServiceConfig) =>
        new DeviceReservationsClient(
          registry.client({ name: SERVICE_CATALOG.device.name, baseUrl: config.deviceServiceUrl }),
          metrics,
        ),
    },
  ],
  exports: [DeviceReservationsClient],
})
export class DeviceServiceClientsModule {}
