import { DOMAIN_EVENTS, NOTIFICATION_LOCALES, type NotificationLocale } from '@cloudphone/contracts';
import { DE_EMAIL_COPY } from './de.email-copy';
import type { EmailContent, EmailCopy } from './email-copy';
import { type EmailParts, layoutEmail } from './email-layout.renderer';
import { EmailTemplateError, LocaleFormat, TemplateValues } from './email-values.formatters';
import { EN_EMAIL_COPY } from './en.email-copy';

/** What a template gets: the delivery's event type, text and data, and where the web app lives. */
export interface EmailTemplateInput {
  eventType: string;
  locale: NotificationLocale;
  displayName: string;
  /** The inbox notification's title and body (the generic template's content). */
  title: string;
  body: string;
  data: Readonly<Record<string, unknown>>;
  /** PUBLIC_APP_URL: links point here. */
  publicAppUrl: string;
}

/** A written email, and which template wrote it (a metric label). */
export interface RenderedEmail extends EmailParts {
  template: EmailTemplateName;
  locale: NotificationLocale;
}

export type EmailTemplateName =
  | 'email_verification'
  | 'password_reset'
  | 'password_changed'
  | 'locked_out'
  | 'invoice_issued'
  | 'payment_succeeded'
  | 'balance_low'
  | 'generic';

interface Template {
  name: EmailTemplateName;
  content(
    copy: EmailCopy,
    values: TemplateValues,
    format: LocaleFormat,
    input: EmailTemplateInput,
  ): EmailContent;
}

const COPIES: Readonly<Record<NotificationLocale, EmailCopy>> = { en: EN_EMAIL_COPY, de: DE_EMAIL_COPY };
const E = DOMAIN_EVENTS;

/** The events with an email of their own; a Map, so an event type like `constructor` finds nothing. */
const TEMPLATES: ReadonlyMap<string, Template> = new Map<string, Template>([
  [
    E.userEmailVerificationRequested,
    {
      name: 'email_verification',
      content: (copy, values, format, input) =>
        copy.verifyEmail({
          link: appLink(input.publicAppUrl, 'verify-email', values.text('token')),
          expiresAt: format.dateTime(values.instant('expiresAt')),
        }),
    },
  ],
  [
    E.userPasswordResetRequested,
    {
      name: 'password_reset',
      content: (copy, values, format, input) =>
        copy.resetPassword({
          link: appLink(input.publicAppUrl, 'reset-password', values.text('token')),
          expiresAt: format.dateTime(values.instant('expiresAt')),
        }),
    },
  ],
  [E.userPasswordChanged, { name: 'password_changed', content: (copy) => copy.passwordChanged() }],
  [
    E.userLockedOut,
    {
      name: 'locked_out',
      content: (copy, values, format) =>
        copy.lockedOut({ until: format.dateTimeRoundedUp(values.instant('lockedUntil')) }),
    },
  ],
  [
    E.billingInvoiceIssued,
    {
      name: 'invoice_issued',
      content: (copy, values, format) => {
        const currency = values.currency();
        const money = (field: string) => format.money(values.minorUnits(field), currency);
        const nothingDue =
          values.text('status') === 'paid' || /^-?0+$/.test(values.minorUnits('amountDueMinor'));
        return copy.invoiceIssued({
          number: values.matching('number', /^INV-\d{6}-\d{6,10}$/),
          month: format.month(values.period('period')),
          charges: money('chargesMinor'),
          credits: money('creditsMinor'),
          closingBalance: money('closingBalanceMinor'),
          due: nothingDue
            ? null
            : { amount: money('amountDueMinor'), by: format.dateTime(values.instant('dueAt')) },
        });
      },
    },
  ],
  [
    E.billingPaymentSucceeded,
    {
      name: 'payment_succeeded',
      content: (copy, values, format) => {
        const currency = values.currency();
        const charged = values.minorUnits('chargedMinor');
        const credited = values.minorUnits('amountMinor');
        return copy.paymentSucceeded({
          charged: format.money(charged, currency),
          credited: credited === charged ? null : format.money(credited, currency),
          balance: format.money(values.minorUnits('balanceMinor'), currency),
        });
      },
    },
  ],
  [
    E.billingBalanceLow,
    {
      name: 'balance_low',
      content: (copy, values, format) => {
        const currency = values.currency();
        return copy.balanceLow({
          balance: format.money(values.minorUnits('balanceMinor'), currency),
          threshold: format.money(values.minorUnits('thresholdMinor'), currency),
        });
      },
    },
  ],
]);

const GENERIC: Template = {
  name: 'generic',
  content: (copy, _values, _format, input) => {
    if (!input.title) throw new EmailTemplateError('title');
    return copy.generic({ title: input.title, body: input.body });
  },
};

/**
 * Writes the email of one delivery in the reader's locale: the event's dedicated template, or the
 * generic one from the inbox text. Pure: no I/O, same input → same email. Throws EmailTemplateError
 * when a field the template needs is missing or malformed.
 */
export function renderEmail(input: EmailTemplateInput): RenderedEmail {
  const locale = NOTIFICATION_LOCALES.find((known) => known === input.locale) ?? NOTIFICATION_LOCALES[0];
  const copy = COPIES[locale];
  const template = TEMPLATES.get(input.eventType) ?? GENERIC;
  const content = template.content(copy, new TemplateValues(input.data), new LocaleFormat(locale), input);
  return { template: template.name, locale, ...layoutEmail(content, copy, input.displayName, locale) };
}

/** `${PUBLIC_APP_URL}/<page>?token=<token>`, the token URL-encoded, under any path PUBLIC_APP_URL has. */
export function appLink(publicAppUrl: string, page: string, token: string): string {
  return `${publicAppUrl.replace(/\/+$/, '')}/${page}?token=${encodeURIComponent(token)}`;
}
