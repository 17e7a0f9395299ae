import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import {
  type CreateWebhookEndpointRequest,
  type UpdateWebhookEndpointRequest,
  WEBHOOK_LIMITS,
  type WebhookEndpointResponse,
  type WebhookEndpointWithSecretResponse,
} from '@cloudphone/contracts';
import { CredentialsCipher, TransactionRunner } from '@cloudphone/shared';
import { NotificationServiceConfig } from '../../config/notification-service.config';
import { channelRuleOf } from '../preferences';
import type { WebhookEndpoint } from './webhook-endpoint';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository';
import { newWebhookSecret } from './webhook-signature';
import { checkWebhookUrl } from './webhook-url.guard';
import { WebhookErrors } from './webhooks.errors';

/**
 * A user's webhook endpoints: registration (URL rules, known event types, at most
 * WEBHOOK_LIMITS.endpointsPerUser live ones), changes, soft deletion and secret rotation. The secret
 * is stored encrypted (CredentialsCipher, VENDOR_CREDENTIALS_KEY) and returned only by the call that
 * made it; it is never logged.
 */
@Injectable()
export class WebhooksService {
  private readonly logger = new Logger('Webhooks');

  constructor(
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly cipher: CredentialsCipher,
    private readonly transactions: TransactionRunner,
    private readonly config: NotificationServiceConfig,
  ) {}

  async list(userId: string): Promise<WebhookEndpointResponse[]> {
    return (await this.endpoints.listLive(userId)).map(toWebhookEndpointResponse);
  }

  async get(userId: string, id: string): Promise<WebhookEndpointResponse> {
    const endpoint = await this.endpoints.findLive(id, userId);
    if (!endpoint) throw WebhookErrors.notFound(id);
    return toWebhookEndpointResponse(endpoint);
  }

  /**
   * Creates an endpoint. The per-user lock and the count run in the insert's transaction, so
   * concurrent creations of one user never pass the limit.
   */
  async create(
    userId: string,
    request: CreateWebhookEndpointRequest,
    actor: string,
  ): Promise<WebhookEndpointWithSecretResponse> {
    const url = this.checkedUrl(request.url);
    const eventTypes = checkedEventTypes(request.eventTypes ?? []);
    const secret = newWebhookSecret();
    const endpoint = await this.transactions.run(async () => {
      await this.endpoints.lockUser(userId);
      if ((await this.endpoints.countLive(userId)) >= WEBHOOK_LIMITS.endpointsPerUser)
        throw WebhookErrors.tooMany();
      return this.endpoints.insert({
        id: randomUUID(),
        userId,
        url,
        description: request.description || null,
        eventTypes,
        secretCiphertext: this.cipher.encrypt(secret),
      });
    });
    this.logger.log({ msg: 'webhook endpoint created', endpointId: endpoint.id, userId, by: actor });
    return { ...toWebhookEndpointResponse(endpoint), secret };
  }

  async update(
    userId: string,
    id: string,
    request: UpdateWebhookEndpointRequest,
    actor: string,
  ): Promise<WebhookEndpointResponse> {
    const endpoint = await this.endpoints.update(id, userId, {
      url: request.url === undefined ? undefined : this.checkedUrl(request.url),
      description: request.description === undefined ? undefined : request.description || null,
      eventTypes: request.eventTypes === undefined ? undefined : checkedEventTypes(request.eventTypes),
      enabled: request.enabled,
    });
    if (!endpoint) throw WebhookErrors.notFound(id);
    this.logger.log({
      msg: 'webhook endpoint changed',
      endpointId: id,
      userId,
      by: actor,
      fields: Object.keys(request),
    });
    return toWebhookEndpointResponse(endpoint);
  }

  async remove(userId: string, id: string, actor: string): Promise<void> {
    if (!(await this.endpoints.softDelete(id, userId))) throw WebhookErrors.notFound(id);
    this.logger.log({ msg: 'webhook endpoint deleted', endpointId: id, userId, by: actor });
  }

  /** A new secret, shown once; the old one signs nothing from now on (deliveries load it per send). */
  async rotateSecret(userId: string, id: string, actor: string): Promise<WebhookEndpointWithSecretResponse> {
    const secret = newWebhookSecret();
    const endpoint = await this.endpoints.replaceSecret(id, userId, this.cipher.encrypt(secret));
    if (!endpoint) throw WebhookErrors.notFound(id);
    this.logger.log({ msg: 'webhook secret rotated', endpointId: id, userId, by: actor });
    return { ...toWebhookEndpointResponse(endpoint), secret };
  }

  /** The URL's normalised form, or the guard's refusal as a 422 with its code. */
  private checkedUrl(raw: string): string {
    const check = checkWebhookUrl(raw, { allowPrivateNetworks: this.config.webhookAllowPrivateNetworks });
    if (!check.ok) throw WebhookErrors.urlRefused(check.code, check.reason);
    return check.url.href;
  }
}

/** Event types a webhook may take: known ones (an own key, so `constructor` is not) that allow webhooks. */
function checkedEventTypes(eventTypes: string[]): string[] {
  for (const eventType of eventTypes) {
    const rule = channelRuleOf(eventType);
    if (!rule) throw WebhookErrors.unknownEventType(eventType);
    if (!rule.allowed.includes('webhook')) throw WebhookErrors.eventTypeNotForWebhooks(eventType);
  }
  return [...new Set(eventTypes)];
}

export function toWebhookEndpointResponse(endpoint: WebhookEndpoint): WebhookEndpointResponse {
  return {
    id: endpoint.id,
    userId: endpoint.userId,
    url: endpoint.url,
    description: endpoint.description,
    eventTypes: endpoint.eventTypes,
    enabled: endpoint.enabled,
    createdAt: endpoint.createdAt.toISOString(),
    updatedAt: endpoint.updatedAt.toISOString(),
  };
}
