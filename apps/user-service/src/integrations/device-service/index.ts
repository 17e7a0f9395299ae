// device-service as user-service calls it (besides the shared DeviceAllocationsClient).
export { DeviceReservationsClient } from './device-reservations.client';
export { DeviceServiceClientsModule } from './device-service-clients.module';
