import { type DynamicModule, Module } from '@nestjs/common';
import { DatabasePoolMonitorJob, InfrastructureModule, PlatformClientsModule } from '@cloudphone/shared';
import type { UserServiceConfig } from './config/user-service.config';
import { ApiKeysModule, LocalApiKeyVerifier } from './modules/api-keys';
import { AuditModule } from './modules/audit';
import { AuthModule } from './modules/auth/auth.module';
import { QuotasModule } from './modules/quotas/quotas.module';
import { UsersModule } from './modules/users/users.module';

@Module({})
export class AppModule {
  static forRoot(config: UserServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // user-service owns the keys: its guard checks them in its database, not over HTTP to itself.
        InfrastructureModule.forRoot({
          config,
          localApiKeyVerifier: { imports: [ApiKeysModule], useExisting: LocalApiKeyVerifier },
        }),
        // device-service's allocations, for quota reconciliation.
        PlatformClientsModule.forRoot({ deviceServiceUrl: config.deviceServiceUrl }),
        AuditModule,
        UsersModule,
        AuthModule,
        QuotasModule,
        ApiKeysModule,
      ],
      providers: [DatabasePoolMonitorJob],
    };
  }
}
