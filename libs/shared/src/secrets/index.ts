export { CredentialsCipher } from './credentials-cipher';
