// What other billing modules may use of payments: only the module (its API is HTTP and webhooks).
export { PaymentsModule } from './payments.module';
