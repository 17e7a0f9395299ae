export { BILLING_ROUTES } from './billing/billing.routes';
export { BalanceCheckRequest } from './billing/balance-check-request.dto';
export { BalanceCheckResponse } from './billing/balance-check-response.dto';
export {
  BALANCE_CHECK_BATCH_MAX_ITEMS,
  BalanceCheckBatchRequest,
  BalanceCheckBatchResponse,
} from './billing/balance-check-batch.dto';
export { BillingAccountListItem, BillingAccountResponse } from './billing/billing-account-response.dto';
export { BILLING_FIELD_MAX, USAGE_BATCH_MAX_ITEMS } from './billing/billing-limits';
export { INVOICE_LINE_KINDS, INVOICE_PERIOD_PATTERN, INVOICE_STATUSES } from './billing/invoice-attributes';
export type { InvoiceLineKind, InvoiceStatus } from './billing/invoice-attributes';
export { InvoiceExportQuery } from './billing/invoice-export-query.dto';
export { InvoiceDetailResponse, InvoiceLineResponse, InvoiceResponse } from './billing/invoice-response.dto';
export {
  COUPON_AMOUNT_PATTERN,
  COUPON_CODE_PATTERN,
  COUPON_KINDS,
  COUPON_LIMITS,
  COUPON_MIN_AMOUNT_PATTERN,
  COUPON_REDEMPTION_STATUSES,
  COUPON_SETTABLE_STATUSES,
  COUPON_STATUSES,
} from './billing/coupon-attributes';
export type {
  CouponKind,
  CouponRedemptionStatus,
  CouponSettableStatus,
  CouponStatus,
} from './billing/coupon-attributes';
export {
  CreateCouponRequest,
  UpdateCouponRequest,
  ValidateCouponRequest,
} from './billing/coupon-requests.dto';
export {
  CouponDetailResponse,
  CouponRedemptionCounts,
  CouponResponse,
  CouponValidationResponse,
} from './billing/coupon-response.dto';
export { PricePlanQuery } from './billing/price-plan-query.dto';
export { PricePlanResponse } from './billing/price-plan-response.dto';
export { PricePlanUpdateRequest } from './billing/price-plan-update-request.dto';
export {
  PAYMENT_AMOUNT_PATTERN,
  PAYMENT_PROVIDERS,
  PAYMENT_STATUSES,
  SIMULATED_PAYMENT_OUTCOMES,
} from './billing/payment-attributes';
export type {
  PaymentProviderKind,
  PaymentStatus,
  SimulatedPaymentOutcome,
} from './billing/payment-attributes';
export { PaymentCreateRequest } from './billing/payment-create-request.dto';
export { PaymentCreateResponse, PaymentResponse } from './billing/payment-response.dto';
export { PaymentSimulateRequest } from './billing/payment-simulate-request.dto';
export { PaymentWebhookResponse } from './billing/payment-webhook-response.dto';
export {
  isServiceChargeTime,
  SERVICE_CHARGE_AMOUNT_PATTERN,
  SERVICE_CHARGE_BATCH_MAX_ITEMS,
  SERVICE_CHARGE_DESCRIPTION_PATTERN,
  SERVICE_CHARGE_FIELD_LIMITS,
  SERVICE_CHARGE_REFERENCE_PATTERN,
  SERVICE_CHARGE_SOURCES,
  ServiceChargeRequest,
} from './billing/service-charge-request.dto';
export type { ServiceChargeSource } from './billing/service-charge-request.dto';
export { ServiceChargeResponse } from './billing/service-charge-response.dto';
export { ServiceChargeBatchRequest } from './billing/service-charge-batch-request.dto';
export { ServiceChargeBatchItemResult } from './billing/service-charge-batch-item-result.dto';
export { ServiceChargeBatchResponse } from './billing/service-charge-batch-response.dto';
export { TopUpRequest } from './billing/top-up-request.dto';
export { TopUpResponse } from './billing/top-up-response.dto';
export { UsageBatchRequest } from './billing/usage-batch-request.dto';
export { UsageBatchItemResult } from './billing/usage-batch-item-result.dto';
export { UsageBatchResponse } from './billing/usage-batch-response.dto';
export { UsageRecordRequest } from './billing/usage-record-request.dto';
export { UsageRecordResponse } from './billing/usage-record-response.dto';
export { HTTP_HEADERS } from './common/http-headers';
export { OPERATIONS_ROUTES, operationsPath } from './common/operations.routes';
export { IdParams } from './common/id-params.dto';
export {
  CronJobResponse,
  CronJobsResponse,
  CronJobStatusResponse,
  CronManualRunResponse,
  CronRunResponse,
  CronScheduleOverrideResponse,
  DependencyCheckResponse,
  LivenessResponse,
  OutboxBacklogResponse,
  OutboxRowResponse,
  OutboxRowsResponse,
  OutboxSummaryResponse,
  ReadinessResponse,
  DeadLetterPageResponse,
  DeadLetterReplayResponse,
  DeadLetterResponse,
} from './common/operations.dto';
export { ToggleEnabledRequest } from './common/toggle-enabled-request.dto';
export { CURRENCY_PATTERN } from './common/money';
export { ErrorResponse } from './common/error-response.dto';
export { PageResponseFields } from './common/page.response';
export type { PageResponse } from './common/page.response';
export { SERVICE_CATALOG, SERVICE_NAMES, serviceVariablePrefix } from './common/service-catalog';
export type { ServiceName } from './common/service-catalog';
export { AllocateDeviceRequest } from './device/allocate-device-request.dto';
export { ALLOCATION_LIMITS, ALLOCATION_STATUSES } from './device/allocation-attributes';
export type { AllocationStatus } from './device/allocation-attributes';
export { AllocationResponse } from './device/allocation-response.dto';
export {
  ALLOCATION_BATCH_LIMITS,
  BatchAllocateRequest,
  BatchExtendItem,
  BatchExtendRequest,
  BatchItemError,
  BatchItemResult,
  BatchQueryRequest,
  BatchQueryResponse,
  BatchReleaseRequest,
  BatchResponse,
  UserAllocations,
} from './device/allocation-batch.dto';
export { AllocationExtension, AllocationExtensionResponse } from './device/allocation-extension-response.dto';
export { ExtendAllocationRequest, EXTENSION_REASON_MAX_LENGTH } from './device/extend-allocation-request.dto';
export {
  ExtendInfoResponse,
  ExtensionLimitingClaim,
  ExtensionRefusal,
} from './device/extend-info-response.dto';
export { EXTENSION_POLICY_FIELDS, ExtensionPolicy } from './device/extension-policy.dto';
export { AllocationStatsResponse } from './device/allocation-stats-response.dto';
export { CancelReservationRequest } from './device/cancel-reservation-request.dto';
export { CreateDeviceRequest } from './device/create-device-request.dto';
export { CreateReservationRequest } from './device/create-reservation-request.dto';
export {
  CheckReservationConflictRequest,
  CheckReservationConflictResponse,
  ReservationConflict,
} from './device/reservation-conflict.dto';
export { RESERVATION_STATUSES, RESERVATION_TEXT_MAX_LENGTH } from './device/reservation-attributes';
export type { ReservationStatus } from './device/reservation-attributes';
export { ReservationResponse, ReservationStatsResponse } from './device/reservation-response.dto';
export { UpdateReservationRequest } from './device/update-reservation-request.dto';
export {
  DEVICE_FIELD_LIMITS,
  DEVICE_HEALTH_STATES,
  DEVICE_POWER_ACTIONS,
  DEVICE_POWER_STATES,
  DEVICE_STATUSES,
} from './device/device-attributes';
export { DeviceAccessResponse } from './device/device-access-response.dto';
export {
  ClusterStatsResponse,
  CreateNodeRequest,
  NODE_LIMITS,
  NODE_PROVIDERS,
  NODE_STATES,
  NODE_TAINT_EFFECTS,
  NodeResponse,
  NodeTaint,
  NodeUsage,
  NodeUsageSample,
  RegionCapacity,
  UpdateNodeRequest,
  UsageTrendResponse,
} from './device/node.dto';
export type { NodeProvider, NodeState, NodeTaintEffect } from './device/node.dto';
export {
  CreateStrategyRequest,
  PlacementCandidate,
  PlacementExplanation,
  SCHEDULING_POLICIES,
  NoActiveStrategyResponse,
  StrategyResponse,
  UpdateStrategyRequest,
} from './device/strategy.dto';
export type { SchedulingPolicy } from './device/strategy.dto';
export {
  DEVICE_POWER_BATCH_LIMIT,
  DevicePowerBatchRequest,
  DevicePowerBatchResponse,
  DevicePowerItemResult,
} from './device/device-power.dto';
export { DeviceRequirements } from './device/device-requirements.dto';
export type {
  DeviceHealth,
  DevicePowerAction,
  DevicePowerState,
  DeviceStatus,
} from './device/device-attributes';
export { DeviceResponse } from './device/device-response.dto';
export { DEVICE_SPEC_BOUNDS, deviceSpecOf } from './device/device-spec';
export type { DeviceSpec } from './device/device-spec';
export { DEVICE_ROUTES } from './device/device.routes';
export {
  JoinQueueRequest,
  QUEUE_ENTRY_STATUSES,
  QUEUE_MAX_WAIT_MINUTES,
  QueueEntryResponse,
  QueuePositionResponse,
  QueueStatsResponse,
} from './device/queue.dto';
export type { QueueEntryStatus } from './device/queue.dto';
export { ReleaseDeviceRequest } from './device/release-device-request.dto';
export { UpdateDeviceRequest } from './device/update-device-request.dto';
export * from './events';
export { MarkAllReadResponse } from './notification/mark-all-read-response.dto';
export { NotificationResponse } from './notification/notification-response.dto';
export { NOTIFICATION_ROUTES } from './notification/notification.routes';
export {
  DELIVERY_STATUSES,
  NOTIFICATION_CHANNELS,
  NOTIFICATION_LOCALES,
  WEBHOOK_HEADERS,
} from './notification/notification-channels';
export type {
  DeliveredNotification,
  DeliveryStatus,
  NotificationChannelName,
  NotificationLocale,
} from './notification/notification-channels';
export {
  NotificationPreference,
  NotificationPreferenceView,
  NotificationPreferencesResponse,
  UpdateNotificationPreferencesRequest,
} from './notification/notification-preferences.dto';
export { DeliveryResponse } from './notification/delivery-response.dto';
export {
  CreateWebhookEndpointRequest,
  UpdateWebhookEndpointRequest,
  WEBHOOK_LIMITS,
  WebhookEndpointResponse,
  WebhookEndpointWithSecretResponse,
} from './notification/webhook.dto';
export type { WebhookPayload } from './notification/webhook.dto';
export { UnreadCountResponse } from './notification/unread-count-response.dto';
export { NOTIFICATION_PUSH, PUSH_CONNECT_ERROR_CODES } from './notification/notification-push';
export type { PushConnectErrorCode, PushNotificationMessage } from './notification/notification-push';
export * from './proxy';
export * from './sms-receive';
export {
  AcceptedResponse,
  AccountEmailRequest,
  ChangePasswordRequest,
  RegisterRequest,
  ResetPasswordRequest,
  VerifyEmailRequest,
} from './user/account-requests.dto';
export {
  ApiKeyIntrospectionRequest,
  ApiKeyIntrospectionResponse,
  ApiKeyResponse,
  CreateApiKeyRequest,
  CreatedApiKeyResponse,
} from './user/api-key.dto';
export { CreateUserRequest } from './user/create-user-request.dto';
export { LoginRequest } from './user/login-request.dto';
export { LoginResponse } from './user/login-response.dto';
export { QuotaChangeResponse } from './user/quota-change-response.dto';
export { QuotaCheckRequest } from './user/quota-check-request.dto';
export { QuotaCheckResponse } from './user/quota-check-response.dto';
export { QuotaLimitsRequest } from './user/quota-limits-request.dto';
export { QUOTA_RESOURCE_NAMES, QuotaResources } from './user/quota-resources.dto';
export type { QuotaResourceName } from './user/quota-resources.dto';
export {
  QUOTA_RESTORE_BATCH_MAX_ITEMS,
  QUOTA_RESTORE_ITEM_STATUSES,
  QuotaRestoreBatchRequest,
  QuotaRestoreBatchResponse,
  QuotaRestoreItemResult,
} from './user/quota-restore-batch.dto';
export type { QuotaRestoreItemStatus } from './user/quota-restore-batch.dto';
export { QuotaRestoreRequest } from './user/quota-restore-request.dto';
export {
  QUOTA_USAGE_BATCH_MAX_ITEMS,
  QUOTA_USAGE_ITEM_STATUSES,
  QuotaUsageBatchRequest,
  QuotaUsageBatchResponse,
  QuotaUsageItemResult,
} from './user/quota-usage-batch.dto';
export type { QuotaUsageItemStatus } from './user/quota-usage-batch.dto';
export { QuotaUsageRequest } from './user/quota-usage-request.dto';
export { UpdateUserRequest } from './user/update-user-request.dto';
export {
  API_KEY_PATTERN,
  API_KEY_PREFIX,
  API_KEY_SCOPE_AREAS,
  API_KEY_SCOPES,
  USER_FIELD_LIMITS,
  USER_STATUSES,
  USER_TIERS,
} from './user/user-attributes';
export type { ApiKeyScope, ApiKeyScopeArea, UserRole, UserStatus, UserTier } from './user/user-attributes';
export {
  LoginStatsDay,
  LoginStatsResponse,
  SECURITY_AUDIT_EVENTS,
  SecurityAuditEventResponse,
} from './user/security-audit.dto';
export type { SecurityAuditEventName } from './user/security-audit.dto';
export { UserQuotaResponse } from './user/user-quota-response.dto';
export { UserResponse } from './user/user-response.dto';
export { USER_ROUTES } from './user/user.routes';
