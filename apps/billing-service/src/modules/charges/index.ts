// What other billing modules may use of charges: only the module (its API is HTTP, for other services).
export { ChargesModule } from './charges.module';
