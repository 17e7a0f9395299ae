import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { OptionalField } from '../common/optional-field.decorator';
import { EVENT_TYPE_PATTERN } from '../events/domain-events';
import type { DeliveredNotification } from './notification-channels';

/** Bounds of webhook endpoints; the table's CHECKs hold the same lengths. */
export const WEBHOOK_LIMITS = {
  urlMaxLength: 2048,
  descriptionMaxLength: 200,
  eventTypesMax: 50,
  /** Live (not deleted) endpoints one user may have. */
  endpointsPerUser: 10,
} as const;

// \P{Cc}: no control character (NUL, tabs, newlines, DEL, C1): a URL or a description that lists,
// logs and request lines show must not carry any.
const NO_CONTROL_CHARACTERS = /^\P{Cc}*$/u;

/** Several decorators as one, applied as if written one above the other in this order. */
function rules(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, key) => [...decorators].reverse().forEach((decorate) => decorate(target, key));
}

/** A URL: 1…2048 characters, none of them a control character. */
function WebhookUrlRules(): PropertyDecorator {
  return rules(
    IsString(),
    MinLength(1),
    MaxLength(WEBHOOK_LIMITS.urlMaxLength),
    Matches(NO_CONTROL_CHARACTERS, { message: 'url must not contain control characters' }),
  );
}

/** A description: up to 200 characters, none of them a control character. */
function WebhookDescriptionRules(): PropertyDecorator {
  return rules(
    IsString(),
    MaxLength(WEBHOOK_LIMITS.descriptionMaxLength),
    Matches(NO_CONTROL_CHARACTERS, { message: 'description must not contain control characters' }),
  );
}

/** Up to 50 distinct event types. */
function WebhookEventTypesRules(): PropertyDecorator {
  return rules(
    IsArray(),
    ArrayMaxSize(WEBHOOK_LIMITS.eventTypesMax),
    ArrayUnique(),
    IsString({ each: true }),
    MaxLength(100, { each: true }),
    Matches(EVENT_TYPE_PATTERN, { each: true, message: 'each value in eventTypes must be an event type' }),
  );
}

/** Body of `POST /notifications/webhooks`. */
export class CreateWebhookEndpointRequest {
  @ApiProperty({ example: 'https://example.com/hooks/cloudphone', maxLength: WEBHOOK_LIMITS.urlMaxLength })
  @WebhookUrlRules()
  url!: string;

  @ApiPropertyOptional({ maxLength: WEBHOOK_LIMITS.descriptionMaxLength })
  @OptionalField()
  @WebhookDescriptionRules()
  description?: string;

  @ApiPropertyOptional({
    type: [String],
    maxItems: WEBHOOK_LIMITS.eventTypesMax,
    example: ['billing.invoice_issued'],
    description: 'Event types sent to this endpoint; empty or absent: every event the user is notified of',
  })
  @OptionalField()
  @WebhookEventTypesRules()
  eventTypes?: string[];
}

/** Body of `PATCH /notifications/webhooks/:id`: only the fields given change. */
export class UpdateWebhookEndpointRequest {
  @ApiPropertyOptional({ maxLength: WEBHOOK_LIMITS.urlMaxLength })
  @OptionalField()
  @WebhookUrlRules()
  url?: string;

  @ApiPropertyOptional({ maxLength: WEBHOOK_LIMITS.descriptionMaxLength, description: "'' clears it" })
  @OptionalField()
  @WebhookDescriptionRules()
  description?: string;

  @ApiPropertyOptional({
    type: [String],
    maxItems: WEBHOOK_LIMITS.eventTypesMax,
    description: '[]: every event',
  })
  @OptionalField()
  @WebhookEventTypesRules()
  eventTypes?: string[];

  @ApiPropertyOptional({ description: 'false: nothing is sent to it until it is enabled again' })
  @OptionalField()
  @IsBoolean()
  enabled?: boolean;
}

/** A webhook endpoint as the routes show it: never its secret. */
export class WebhookEndpointResponse {
  @ApiProperty({ format: 'uuid', description: 'The delivery records’ `target`' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ example: 'https://example.com/hooks/cloudphone' })
  url!: string;

  @ApiProperty({ type: String, nullable: true })
  description!: string | null;

  @ApiProperty({ type: [String], description: 'Empty: every event the user is notified of' })
  eventTypes!: string[];

  @ApiProperty()
  enabled!: boolean;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

/** Answer of creating an endpoint and of rotating its secret: the only time the secret is shown. */
export class WebhookEndpointWithSecretResponse extends WebhookEndpointResponse {
  @ApiProperty({
    example: 'whsec_3q2-7wJ5cXh0Yb0m1kq8mJ7ZB1nU0V1eJm3pQ2fV8sA',
    description: 'The signing secret (HMAC-SHA256 key, the whole string); shown once, keep it',
  })
  secret!: string;
}

/** The JSON body of every webhook request (docs/webhooks.md). */
export interface WebhookPayload extends DeliveredNotification {
  /** The delivery id: the same on every retry and replay (also the X-Cloudphone-Delivery header). */
  id: string;
}
