import { type DynamicModule, Module } from '@nestjs/common';
import { CredentialsCipher } from './credentials-cipher';

/** One CredentialsCipher for the whole app (global), keyed from the app's configured secret. */
@Module({})
export class CredentialsModule {
  static forRoot(secret: string): DynamicModule {
    return {
      module: CredentialsModule,
      global: true,
      providers: [{ provide: CredentialsCipher, useValue: new CredentialsCipher(secret) }],
      exports: [CredentialsCipher],
    };
  }
}
