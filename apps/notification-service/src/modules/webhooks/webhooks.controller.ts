import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  CreateWebhookEndpointRequest,
  NOTIFICATION_ROUTES,
  UpdateWebhookEndpointRequest,
  WebhookEndpointResponse,
  WebhookEndpointWithSecretResponse,
} from '@cloudphone/contracts';
import {
  ApiCommonErrors,
  ApiErrorResponses,
  ApiKeyScope,
  CurrentPrincipal,
  actingSubject,
  actorOf,
  type Principal,
} from '@cloudphone/shared';
import { WebhooksQuery } from './webhooks-query.dto';
import { WebhookErrors } from './webhooks.errors';
import { WebhooksService } from './webhooks.service';

const endpointId = new ParseUUIDPipe({ exceptionFactory: () => WebhookErrors.invalidId() });

/** The caller's webhook endpoints; admins (and services, which must) name another user with `userId`. */
@ApiCommonErrors()
@ApiTags('notifications')
@ApiBearerAuth()
@ApiKeyScope('notifications')
@Controller()
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get(NOTIFICATION_ROUTES.webhooks)
  @ApiOperation({ summary: "The caller's webhook endpoints (never their secrets)" })
  @ApiOkResponse({ type: [WebhookEndpointResponse] })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: WebhooksQuery,
  ): Promise<WebhookEndpointResponse[]> {
    return this.webhooks.list(ownerOf(principal, query));
  }

  @Post(NOTIFICATION_ROUTES.webhooks)
  @ApiOperation({ summary: 'Register a webhook endpoint; the answer holds its signing secret, shown once' })
  @ApiCreatedResponse({ type: WebhookEndpointWithSecretResponse })
  @ApiErrorResponses({ 409: ['WEBHOOK_LIMIT_REACHED'], 422: ['UNKNOWN_EVENT_TYPE', 'CHANNEL_NOT_ALLOWED'] })
  create(
    @CurrentPrincipal() principal: Principal,
    @Query() query: WebhooksQuery,
    @Body() request: CreateWebhookEndpointRequest,
  ): Promise<WebhookEndpointWithSecretResponse> {
    return this.webhooks.create(ownerOf(principal, query), request, actorOf(principal));
  }

  @Post(NOTIFICATION_ROUTES.webhookRotateSecret)
  @HttpCode(200)
  @ApiOperation({ summary: 'A new signing secret, shown once; the old one stops signing at once' })
  @ApiOkResponse({ type: WebhookEndpointWithSecretResponse })
  @ApiErrorResponses({ 404: ['WEBHOOK_NOT_FOUND'] })
  rotateSecret(
    @CurrentPrincipal() principal: Principal,
    @Query() query: WebhooksQuery,
    @Param('id', endpointId) id: string,
  ): Promise<WebhookEndpointWithSecretResponse> {
    return this.webhooks.rotateSecret(ownerOf(principal, query), id, actorOf(principal));
  }

  @Get(NOTIFICATION_ROUTES.webhook)
  @ApiOperation({ summary: 'One webhook endpoint (another user’s answers 404)' })
  @ApiOkResponse({ type: WebhookEndpointResponse })
  @ApiErrorResponses({ 404: ['WEBHOOK_NOT_FOUND'] })
  get(
    @CurrentPrincipal() principal: Principal,
    @Query() query: WebhooksQuery,
    @Param('id', endpointId) id: string,
  ): Promise<WebhookEndpointResponse> {
    return this.webhooks.get(ownerOf(principal, query), id);
  }

  @Patch(NOTIFICATION_ROUTES.webhook)
  @ApiOperation({ summary: 'Change the URL, description, event types or whether it is enabled' })
  @ApiOkResponse({ type: WebhookEndpointResponse })
  @ApiErrorResponses({ 404: ['WEBHOOK_NOT_FOUND'], 422: ['UNKNOWN_EVENT_TYPE', 'CHANNEL_NOT_ALLOWED'] })
  update(
    @CurrentPrincipal() principal: Principal,
    @Query() query: WebhooksQuery,
    @Param('id', endpointId) id: string,
    @Body() request: UpdateWebhookEndpointRequest,
  ): Promise<WebhookEndpointResponse> {
    return this.webhooks.update(ownerOf(principal, query), id, request, actorOf(principal));
  }

  @Delete(NOTIFICATION_ROUTES.webhook)
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a webhook endpoint; queued deliveries to it are skipped' })
  @ApiNoContentResponse()
  @ApiErrorResponses({ 404: ['WEBHOOK_NOT_FOUND'] })
  remove(
    @CurrentPrincipal() principal: Principal,
    @Query() query: WebhooksQuery,
    @Param('id', endpointId) id: string,
  ): Promise<void> {
    return this.webhooks.remove(ownerOf(principal, query), id, actorOf(principal));
  }
}

function ownerOf(principal: Principal, query: WebhooksQuery): string {
  return actingSubject(principal, query, WebhookErrors.refusals).userId;
}
