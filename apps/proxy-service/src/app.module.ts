import { type DynamicModule, Module } from '@nestjs/common';
import { DatabasePoolMonitorJob, InfrastructureModule } from '@cloudphone/shared';
import type { ProxyServiceConfig } from './config/proxy-service.config';
import { ProxiesModule } from './modules/proxies/proxies.module';

@Module({})
export class AppModule {
  static forRoot(config: ProxyServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [InfrastructureModule.forRoot({ config }), ProxiesModule],
      providers: [DatabasePoolMonitorJob],
    };
  }
}
