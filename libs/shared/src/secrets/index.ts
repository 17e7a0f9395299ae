export { CredentialsCipher } from './credentials-cipher';
export { CredentialsModule } from './credentials.module';
