// What the app wires of API keys: the module, and the verifier the global guard uses here.
export { ApiKeysModule } from './api-keys.module';
export { LocalApiKeyVerifier } from './local-api-key.verifier';
