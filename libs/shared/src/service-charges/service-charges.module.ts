import { type DynamicModule, Module, type OnModuleInit } from '@nestjs/common';
import { SERVICE_CATALOG } from '@cloudphone/contracts';
import { OutboxDeliveries } from '../events/outbox-deliveries.service';
import { HttpClientRegistry } from '../http/http-client.registry';
import { MetricsService } from '../metrics/metrics.service';
import { ServiceChargesClient } from './service-charges.client';
import { ServiceChargesDestination } from './service-charges.destination';

/**
 * Charges owed to billing-service by a service that sells something besides devices: the client,
 * and the outbox destination registered before the relay starts. Store charges with
 * `OutboxDeliveries.store([serviceChargeMessage(charge)])` in the transaction that makes them owed.
 */
@Module({})
export class ServiceChargesModule implements OnModuleInit {
  constructor(
    private readonly deliveries: OutboxDeliveries,
    private readonly destination: ServiceChargesDestination,
  ) {}

  static forRoot(options: { billingServiceUrl: string }): DynamicModule {
    return {
      module: ServiceChargesModule,
      providers: [
        {
          provide: ServiceChargesClient,
          inject: [HttpClientRegistry, MetricsService],
          useFactory: (registry: HttpClientRegistry, metrics: MetricsService) =>
            new ServiceChargesClient(
              registry.client({ name: SERVICE_CATALOG.billing.name, baseUrl: options.billingServiceUrl }),
              metrics,
            ),
        },
        ServiceChargesDestination,
      ],
    };
  }

  onModuleInit(): void {
    this.deliveries.register(this.destination);
  }
}
