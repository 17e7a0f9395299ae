import { WEBHOOK_LIMITS } from '@cloudphone/contracts';
import { AppError, CommonErrors } from '@cloudphone/shared';
import type { WebhookUrlProblemCode } from './webhook-url.guard';

export const WebhookErrors = {
  // Another user's endpoint answers like a missing one, so ids do not leak.
  notFound: (id: string) => new AppError('WEBHOOK_NOT_FOUND', 404, 'Webhook endpoint not found', { id }),
  invalidId: () =>
    CommonErrors.validationFailed('id: must be a UUID', [{ field: 'id', reasons: ['must be a UUID'] }]),
  /** The URL breaks a rule of webhook-url.guard.ts; `code` says which. */
  urlRefused: (code: WebhookUrlProblemCode, reason: string) =>
    new AppError(code, 422, `url: ${reason}`, [{ field: 'url', reasons: [reason] }]),
  unknownEventType: (eventType: string) =>
    new AppError('UNKNOWN_EVENT_TYPE', 422, 'No notification exists for this event type', { eventType }),
  eventTypeNotForWebhooks: (eventType: string) =>
    new AppError('CHANNEL_NOT_ALLOWED', 422, 'This event type is never sent by webhook', { eventType }),
  tooMany: () =>
    CommonErrors.conflict(
      'WEBHOOK_LIMIT_REACHED',
      `You have ${WEBHOOK_LIMITS.endpointsPerUser} webhook endpoints; delete one first`,
      { limit: WEBHOOK_LIMITS.endpointsPerUser },
    ),
  refusals: {
    userRequired: () => CommonErrors.validationFailed('userId: required when a service names a user'),
    actingForOthers: () => CommonErrors.forbidden("Only admins may read or change another user's webhooks"),
  },
};
