import { Module } from '@nestjs/common';
import { AuditModule } from '../audit';
import { QuotasModule } from '../quotas';
import { AdminBootstrapService } from './admin-bootstrap.service';
import { PasswordHasher } from './password-hasher.service';
import { UserMetricsJob } from './jobs/user-metrics.job';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersEventsPublisher } from './users-events.publisher';
import { UsersService } from './users.service';

@Module({
  imports: [QuotasModule, AuditModule],
  controllers: [UsersController],
  providers: [
    UsersService,
    UsersRepository,
    UsersEventsPublisher,
    AdminBootstrapService,
    UserMetricsJob,
    { provide: PasswordHasher, useFactory: () => new PasswordHasher() },
  ],
  exports: [UsersService, PasswordHasher],
})
export class UsersModule {}
