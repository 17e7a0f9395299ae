import { EnvEnum, EnvUrl } from '../config/env-variable.decorators';

/** Where the typed domain clients call and what a check does when its target is unavailable. */
export class ServiceClientsConfig {
  @EnvUrl('USER_SERVICE_URL', { protocols: ['http', 'https'], default: 'http://127.0.0.1:30001' })
  userServiceUrl!: string;

  @EnvUrl('BILLING_SERVICE_URL', { protocols: ['http', 'https'], default: 'http://127.0.0.1:30005' })
  billingServiceUrl!: string;

  @EnvEnum('QUOTA_CHECK_WHEN_UNAVAILABLE', ['deny', 'allow'] as const, { default: 'deny' })
  quotaCheckWhenUnavailable!: 'deny' | 'allow';

  @EnvEnum('BALANCE_CHECK_WHEN_UNAVAILABLE', ['deny', 'allow'] as const, { default: 'deny' })
  balanceCheckWhenUnavailable!: 'deny' | 'allow';
}
