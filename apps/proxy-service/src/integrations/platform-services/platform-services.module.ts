import { Module, type Provider } from '@nestjs/common';
import { SERVICE_CATALOG } from '@cloudphone/contracts';
import { type HttpClient, HttpClientRegistry, MetricsService } from '@cloudphone/shared';
import { ProxyServiceConfig } from '../../config/proxy-service.config';
import { DeviceAllocationsClient } from './device-allocations.client';
import { UserDirectoryClient } from './user-directory.client';

/** A client of `target`, built on the shared registry from DEVICE_SERVICE_URL or USER_SERVICE_URL. */
function platformClient<T>(
  provide: new (http: HttpClient, metrics: MetricsService) => T,
  target: 'device' | 'user',
): Provider {
  return {
    provide,
    inject: [HttpClientRegistry, MetricsService, ProxyServiceConfig],
    useFactory: (registry: HttpClientRegistry, metrics: MetricsService, config: ProxyServiceConfig) =>
      new provide(
        registry.client({
          name: SERVICE_CATALOG[target].name,
          baseUrl: target === 'device' ? config.deviceServiceUrl : config.userServiceUrl,
        }),
        metrics,
      ),
  };
}

/** proxy-service's clients of device-service (allocations) and user-service (users). */
@Module({
  providers: [platformClient(DeviceAllocationsClient, 'device'), platformClient(UserDirectoryClient, 'user')],
  exports: [DeviceAllocationsClient, UserDirectoryClient],
})
export class PlatformServicesModule {}
