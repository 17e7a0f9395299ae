import { Module } from '@nestjs/common';
import { AuditModule } from '../audit';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';
import { LocalApiKeyVerifier } from './local-api-key.verifier';

/**
 * API keys. Imported twice by AppModule: for its routes, and by InfrastructureModule (as
 * `localApiKeyVerifier`) so the global guard verifies keys through LocalApiKeyVerifier.
 */
@Module({
  imports: [AuditModule],
  controllers: [ApiKeysController],
  providers: [ApiKeysService, ApiKeysRepository, LocalApiKeyVerifier],
  exports: [LocalApiKeyVerifier],
})
export class ApiKeysModule {}
