// What other user-service modules may use of quotas (a new user's limits, a tier change).
export { QuotasModule } from './quotas.module';
export { QuotasService } from './quotas.service';
