import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { NotificationLocale } from '@cloudphone/contracts';
import { NotificationServiceConfig } from '../../config/notification-service.config';
import { EMAIL_TRANSPORT, type EmailTransport, type OutgoingEmail } from '../../integrations/email';
import {
  type ChannelOutcome,
  DeliveryChannels,
  type DeliveryToSend,
  type NotificationChannel,
} from '../deliveries';
import { NotificationPreferences } from '../preferences';
import { EmailAddressError, type EmailRecipient, buildEmailMessage } from './email-message.builder';
import { EmailRecipients } from './email-recipients.service';
import { EmailMetrics } from './email.metrics';
import { EmailTemplateError } from './templates/email-values.formatters';
import { type RenderedEmail, renderEmail } from './templates/email-template.renderer';

/**
 * The email channel: one email per delivery to the user's own address (target ''), written in
 * their locale, sent by the configured transport. `send` never throws for an expected failure: a
 * refusal for good (5xx, an unusable address, a payload the template cannot use) is permanent, the
 * rest is retried by the deliveries module. Logs name the delivery, template and locale — never the
 * address, the subject, the body or a token.
 */
@Injectable()
export class EmailChannel implements NotificationChannel, OnModuleInit {
  readonly name = 'email' as const;
  private readonly logger = new Logger('EmailChannel');

  constructor(
    private readonly channels: DeliveryChannels,
    private readonly recipients: EmailRecipients,
    private readonly preferences: NotificationPreferences,
    private readonly metrics: EmailMetrics,
    private readonly config: NotificationServiceConfig,
    @Inject(EMAIL_TRANSPORT) private readonly transport: EmailTransport,
  ) {}

  onModuleInit(): void {
    this.channels.register(this);
    this.logger.log({ msg: 'email channel registered', transport: this.transport.kind });
  }

  /** A user has one address: the delivery's target is '' and the address is found when sending. */
  targetsFor(): Promise<string[]> {
    return Promise.resolve(['']);
  }

  async send(delivery: DeliveryToSend): Promise<ChannelOutcome> {
    const lookup = await this.recipients.resolve(delivery);
    if (lookup.result === 'skipped') {
      this.metrics.skipped.inc({ reason: lookup.reason });
      return { result: 'skipped', reason: lookup.reason };
    }
    if (lookup.result === 'failed') return this.failed(delivery, lookup.outcome);
    const locale = await this.preferences.localeOf(delivery.userId);
    const composed = this.compose(delivery, lookup.recipient, locale);
    if ('outcome' in composed) return this.failed(delivery, composed.outcome);
    const sent = await this.transport.send(composed.email);
    if (sent.result === 'failed') {
      const { code, error, permanent, retryAfterMs } = sent;
      return this.failed(delivery, { result: 'failed', code, error, permanent, retryAfterMs });
    }
    this.metrics.sent.inc({ template: composed.rendered.template, locale: composed.rendered.locale });
    this.logger.log({
      msg: 'email sent',
      deliveryId: delivery.id,
      eventType: delivery.eventType,
      template: composed.rendered.template,
      locale: composed.rendered.locale,
      transport: this.transport.kind,
    });
    return { result: 'delivered' };
  }

  /** The email, or why it cannot be written (for good: the same payload would fail the same way). */
  private compose(
    delivery: DeliveryToSend,
    recipient: EmailRecipient,
    locale: NotificationLocale,
  ):
    | { email: OutgoingEmail; rendered: RenderedEmail }
    | { outcome: Extract<ChannelOutcome, { result: 'failed' }> } {
    try {
      const rendered = renderEmail({
        eventType: delivery.eventType,
        locale,
        displayName: recipient.displayName,
        title: delivery.payload.title ?? '',
        body: delivery.payload.body ?? '',
        data: delivery.payload.data ?? {},
        publicAppUrl: this.config.publicAppUrl,
      });
      const email = buildEmailMessage({
        from: this.config.emailFrom,
        to: recipient,
        deliveryId: delivery.id,
        rendered,
      });
      return { email, rendered };
    } catch (error) {
      if (error instanceof EmailTemplateError) {
        return {
          outcome: {
            result: 'failed',
            code: 'EMAIL_TEMPLATE_INVALID',
            error: error.message,
            permanent: true,
          },
        };
      }
      if (error instanceof EmailAddressError) {
        return {
          outcome: { result: 'failed', code: 'EMAIL_ADDRESS_INVALID', error: error.message, permanent: true },
        };
      }
      throw error;
    }
  }

  private failed(
    delivery: DeliveryToSend,
    outcome: Extract<ChannelOutcome, { result: 'failed' }>,
  ): ChannelOutcome {
    this.metrics.failed.inc({ code: outcome.code, permanent: String(outcome.permanent) });
    this.logger.warn({
      msg: 'email not sent',
      deliveryId: delivery.id,
      eventType: delivery.eventType,
      code: outcome.code,
      permanent: outcome.permanent,
      error: outcome.error,
    });
    return outcome;
  }
}
