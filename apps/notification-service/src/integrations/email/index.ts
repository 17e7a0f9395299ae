export {
  EMAIL_TRANSPORT,
  type EmailFailureCode,
  type EmailSendOutcome,
  type EmailTransport,
  type OutgoingEmail,
} from './email-transport';
export { createEmailTransport, type EmailTransportSettings } from './email-transport.factory';
export { EmailTransportModule, emailTransportSettings } from './email-transport.module';
export { classifySmtpFailure } from './smtp-failure.classifier';
export { SimulatedEmailTransport, type SimulatedEmailTransportOptions } from './simulated-email.transport';
export {
  SmtpEmailTransport,
  nodemailerMessage,
  smtpPoolOptions,
  type SmtpEmailTransportOptions,
} from './smtp-email.transport';
