// What other billing modules may use of pricing: the plan in force and the price of usage.
export type { PricePlan } from './price-plan';
export { PricingModule } from './pricing.module';
export { PricingService } from './pricing.service';
