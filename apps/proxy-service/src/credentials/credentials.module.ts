import { Global, Module } from '@nestjs/common';
import { ProxyServiceConfig } from '../config/proxy-service.config';
import { CredentialsCipher } from '@cloudphone/shared';

/** One cipher for the app, keyed from VENDOR_CREDENTIALS_KEY. */
@Global()
@Module({
  providers: [
    {
      provide: CredentialsCipher,
      inject: [ProxyServiceConfig],
      useFactory: (config: ProxyServiceConfig) => new CredentialsCipher(config.credentialsKey),
    },
  ],
  exports: [CredentialsCipher],
})
export class CredentialsModule {}
