import { type DynamicModule, Module } from '@nestjs/common';
import { DatabasePoolMonitorJob, InfrastructureModule } from '@cloudphone/shared';
import type { UserServiceConfig } from './config/user-service.config';
import { AuthModule } from './modules/auth/auth.module';
import { QuotasModule } from './modules/quotas/quotas.module';
import { UsersModule } from './modules/users/users.module';

@Module({})
export class AppModule {
  static forRoot(config: UserServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [InfrastructureModule.forRoot({ config }), UsersModule, AuthModule, QuotasModule],
      providers: [DatabasePoolMonitorJob],
    };
  }
}
