// What other billing modules may use of invoices: only the module (its API is HTTP and events).
export { InvoicesModule } from './invoices.module';
