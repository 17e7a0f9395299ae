export { ServiceChargesClient } from './service-charges.client';
export {
  SERVICE_CHARGES_DESTINATION,
  ServiceChargesDestination,
  serviceChargeMessage,
} from './service-charges.destination';
export { ServiceChargesModule } from './service-charges.module';
