import { Module } from '@nestjs/common';
import { AuditModule } from '../audit';
import { UsersModule } from '../users';
import { AccountTokensRepository } from './account-tokens.repository';
import { AuthController } from './auth.controller';
import { AuthEventsPublisher } from './auth-events.publisher';
import { AuthService } from './auth.service';
import { PasswordService } from './password.service';
import { RegistrationService } from './registration.service';

@Module({
  imports: [UsersModule, AuditModule],
  controllers: [AuthController],
  providers: [
    AuthService,
    RegistrationService,
    PasswordService,
    AccountTokensRepository,
    AuthEventsPublisher,
  ],
})
export class AuthModule {}
