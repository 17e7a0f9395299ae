export { ApiKeyIntrospectionClient, remoteApiKeyVerifier } from './api-key-introspection.client';
export { type ActiveAllocationsQuery, DeviceAllocationsClient } from './device-allocations.client';
export { PlatformClientsModule } from './platform-clients.module';
export { UserStandingClient } from './user-standing.client';
