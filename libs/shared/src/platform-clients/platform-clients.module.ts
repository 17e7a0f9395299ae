import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { SERVICE_CATALOG } from '@cloudphone/contracts';
import type { HttpClient } from '../http/http-client';
import { HttpClientRegistry } from '../http/http-client.registry';
import { MetricsService } from '../metrics/metrics.service';
import { DeviceAllocationsClient } from './device-allocations.client';
import { UserStandingClient } from './user-standing.client';

function client<T>(
  provide: new (http: HttpClient, metrics: MetricsService) => T,
  name: string,
  baseUrl: string,
): Provider {
  return {
    provide,
    inject: [HttpClientRegistry, MetricsService],
    useFactory: (registry: HttpClientRegistry, metrics: MetricsService) =>
      new provide(registry.client({ name, baseUrl }), metrics),
  };
}

/**
 * The clients a service that rents something alongside devices (proxies, numbers) needs: device-
 * service's allocations and user-service's users, on the shared HTTP client registry.
 */
@Module({})
export class PlatformClientsModule {
  /** `userServiceUrl` only for a service that asks user-service about its renters. */
  static forRoot(options: { deviceServiceUrl: string; userServiceUrl?: string }): DynamicModule {
    const users = options.userServiceUrl;
    return {
      module: PlatformClientsModule,
      global: true,
      providers: [
        client(DeviceAllocationsClient, SERVICE_CATALOG.device.name, options.deviceServiceUrl),
        ...(users ? [client(UserStandingClient, SERVICE_CATALOG.user.name, users)] : []),
      ],
      exports: [DeviceAllocationsClient, ...(users ? [UserStandingClient] : [])],
    };
  }
}
