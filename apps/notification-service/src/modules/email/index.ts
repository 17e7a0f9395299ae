export { EmailModule } from './email.module';
export { EmailChannel } from './email.channel';
export { deliveryMessageId } from './email-message.builder';
export {
  type EmailTemplateInput,
  type EmailTemplateName,
  type RenderedEmail,
  renderEmail,
} from './templates/email-template.renderer';
