export {
  WebhookHttpSender,
  type WebhookHttpAnswer,
  type WebhookHttpRequest,
  type WebhookHttpSenderOptions,
} from './webhook-http.sender';
