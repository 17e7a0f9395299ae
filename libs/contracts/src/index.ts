export { BILLING_ROUTES } from './billing/billing.routes';
export { BalanceCheckRequest } from './billing/balance-check-request.dto';
export { BalanceCheckResponse } from './billing/balance-check-response.dto';
export { BILLING_ACCOUNT_STATUSES, BillingAccountResponse } from './billing/billing-account-response.dto';
export type { BillingAccountStatus } from './billing/billing-account-response.dto';
export {
  BILLING_FIELD_MAX,
  PRICE_RATE_PATTERN,
  TOP_UP_AMOUNT_PATTERN,
  TOP_UP_REFERENCE_PATTERN,
  USAGE_BATCH_MAX_ITEMS,
} from './billing/billing-limits';
export { PricePlanQuery } from './billing/price-plan-query.dto';
export { PricePlanResponse } from './billing/price-plan-response.dto';
export { PricePlanUpdateRequest } from './billing/price-plan-update-request.dto';
export { TopUpRequest } from './billing/top-up-request.dto';
export { TopUpResponse } from './billing/top-up-response.dto';
export { UsageBatchRequest } from './billing/usage-batch-request.dto';
export { USAGE_BATCH_ITEM_STATUSES, UsageBatchItemResult } from './billing/usage-batch-item-result.dto';
export type { UsageBatchItemStatus } from './billing/usage-batch-item-result.dto';
export { UsageBatchResponse } from './billing/usage-batch-response.dto';
export { UsageRecordRequest } from './billing/usage-record-request.dto';
export { UsageRecordResponse } from './billing/usage-record-response.dto';
export type { ErrorResponse } from './common/error.response';
export { HTTP_HEADERS } from './common/http-headers';
export { CURRENCY_PATTERN, MINOR_UNITS_PATTERN } from './common/money';
export type { PageResponse } from './common/page.response';
export { SERVICE_CATALOG, SERVICE_NAMES } from './common/service-catalog';
export type { ServiceKey, ServiceName } from './common/service-catalog';
export { DEVICE_ROUTES } from './device/device.routes';
export { DOMAIN_EVENTS, EVENT_TYPE_PATTERN } from './events';
export type {
  AllocationEndReason,
  AllocationExpiredEventData,
  AllocationExpiringEventData,
  BillingBalanceLowEventData,
  BillingOverdueEventData,
  BillingUsageRecordedEventData,
  DeviceAllocatedEventData,
  DeviceFailedEventData,
  DeviceReleasedEventData,
  DomainEventType,
  EventEnvelope,
  EventType,
  UserDeletedEventData,
} from './events';
export { NOTIFICATION_ROUTES } from './notification/notification.routes';
export { PROXY_ROUTES } from './proxy/proxy.routes';
export { SMS_RECEIVE_ROUTES } from './sms-receive/sms-receive.routes';
export { QuotaChangeResponse } from './user/quota-change-response.dto';
export { QuotaCheckRequest } from './user/quota-check-request.dto';
export { QuotaCheckResponse } from './user/quota-check-response.dto';
export { QuotaRestoreRequest } from './user/quota-restore-request.dto';
export { QUOTA_FIELD_MAX, QUOTA_RESOURCE_NAMES, QuotaResources } from './user/quota-resources.dto';
export type { QuotaResourceName } from './user/quota-resources.dto';
export { QuotaUsageRequest } from './user/quota-usage-request.dto';
export { USER_ROUTES } from './user/user.routes';
export { UserQuotaResponse } from './user/user-quota-response.dto';
