import { DOMAIN_EVENTS, type NotificationLocale } from '@cloudphone/contracts';
import { invoiceIssuedData } from '@cloudphone/shared/testing';
import { escapeHtml, singleLine } from './email-layout.renderer';
import { type EmailTemplateInput, appLink, renderEmail } from './email-template.renderer';
import { EmailTemplateError, LocaleFormat } from './email-values.formatters';

const E = DOMAIN_EVENTS;
const TOKEN = 'tok+en/with=odd&chars_0123456789abcdef0123456789';

function input(
  eventType: string,
  data: Record<string, unknown>,
  overrides: Partial<EmailTemplateInput> = {},
) {
  return {
    eventType,
    locale: 'en' as NotificationLocale,
    displayName: 'Ada',
    title: 'Inbox title',
    body: 'Inbox body.',
    data,
    publicAppUrl: 'https://app.example.com',
    ...overrides,
  };
}

const tokenData = { token: TOKEN, expiresAt: '2026-03-01T12:30:45.000Z', email: 'ada@example.com' };
const invoiceData = invoiceIssuedData('5f0c3b8e-2a4d-4b8e-9f3a-1c2d3e4f5a6b');

describe('email templates', () => {
  describe('verification and reset (token emails)', () => {
    it.each([
      [E.userEmailVerificationRequested, 'verify-email', 'email_verification'],
      [E.userPasswordResetRequested, 'reset-password', 'password_reset'],
    ])('%s links %s with the token URL-encoded, in text and (escaped) in HTML', (type, page, template) => {
      const email = renderEmail(input(type, tokenData));
      const link = `https://app.example.com/${page}?token=${encodeURIComponent(TOKEN)}`;
      expect(email.template).toBe(template);
      expect(email.text).toContain(`\n${link}\n`);
      expect(email.html).toContain(`href="${escapeHtml(link)}"`);
      expect(email.text).toContain('until March 1, 2026 at 12:30 PM UTC');
      expect(email.text.startsWith('Hello Ada,\n\n')).toBe(true);
    });

    it('writes German in the de locale', () => {
      const email = renderEmail(input(E.userEmailVerificationRequested, tokenData, { locale: 'de' }));
      expect(email).toMatchObject({ locale: 'de', subject: 'Bestätigen Sie Ihre E-Mail-Adresse' });
      expect(email.text).toContain('bis 1. März 2026 um 12:30 UTC');
      expect(email.text).toContain('Hallo Ada,');
      expect(email.html).toContain('<html lang="de">');
    });

    it('keeps a path in PUBLIC_APP_URL and drops its trailing slashes', () => {
      expect(appLink('https://example.com/app//', 'verify-email', 'a b&c')).toBe(
        'https://example.com/app/verify-email?token=a%20b%26c',
      );
    });

    it('refuses to write a token email without its token or with a bad expiry', () => {
      expect(() => renderEmail(input(E.userPasswordResetRequested, { ...tokenData, token: '' }))).toThrow(
        EmailTemplateError,
      );
      expect(() => renderEmail(input(E.userPasswordResetRequested, { ...tokenData, token: 42 }))).toThrow(
        'email template field "token" is missing or malformed',
      );
      expect(() =>
        renderEmail(input(E.userEmailVerificationRequested, { ...tokenData, expiresAt: 'soon' })),
      ).toThrow('email template field "expiresAt"');
      // A scrubbed (settled) sensitive payload has no data at all.
      expect(() => renderEmail(input(E.userEmailVerificationRequested, {}))).toThrow(EmailTemplateError);
    });
  });

  describe('security emails', () => {
    it('tells of a changed password in both locales', () => {
      expect(renderEmail(input(E.userPasswordChanged, {})).subject).toBe('Your password was changed');
      expect(renderEmail(input(E.userPasswordChanged, {}, { locale: 'de' })).subject).toBe(
        'Ihr Passwort wurde geändert',
      );
    });

    it('says until when an account is locked, rounded up to the minute', () => {
      const data = { lockedUntil: '2026-03-01T12:05:30.000Z' };
      expect(renderEmail(input(E.userLockedOut, data)).text).toContain(
        'until March 1, 2026 at 12:06 PM UTC.',
      );
      expect(renderEmail(input(E.userLockedOut, data, { locale: 'de' })).text).toContain(
        'bis 1. März 2026 um 12:06 UTC gesperrt',
      );
    });
  });

  describe('billing emails', () => {
    it('lists an invoice’s figures and what is due, per locale', () => {
      const en = renderEmail(input(E.billingInvoiceIssued, invoiceData));
      expect(en.subject).toBe('Invoice INV-202602-000001 for February 2026');
      expect(en.text).toContain('Charges: USD 3.00. Credits: USD 0.00. Closing balance: -USD 3.00.');
      expect(en.text).toContain('USD 3.00 is due by March 15, 2026 at 12:00 AM UTC');
      const de = renderEmail(input(E.billingInvoiceIssued, invoiceData, { locale: 'de' }));
      expect(de.subject).toBe('Rechnung INV-202602-000001 für Februar 2026');
      expect(de.text).toContain('Belastungen: 3,00 USD.');
      const paid = renderEmail(
        input(E.billingInvoiceIssued, { ...invoiceData, status: 'paid', amountDueMinor: '0' }),
      );
      expect(paid.text).toContain('Nothing is due.');
    });

    it('says a payment went through, naming the credit when a coupon made it differ', () => {
      const data = { chargedMinor: '4000', amountMinor: '5000', balanceMinor: '12500', currency: 'EUR' };
      expect(renderEmail(input(E.billingPaymentSucceeded, data)).text).toContain(
        'Your payment of EUR 40.00 went through and EUR 50.00 was credited (coupon applied).',
      );
      expect(
        renderEmail(input(E.billingPaymentSucceeded, { ...data, amountMinor: '4000' }, { locale: 'de' }))
          .text,
      ).toContain('Ihre Zahlung über 40,00 EUR ist eingegangen.');
    });

    it('warns of a low balance', () => {
      const data = { balanceMinor: '420', thresholdMinor: '500', currency: 'USD' };
      expect(renderEmail(input(E.billingBalanceLow, data)).text).toContain(
        'Your balance is USD 4.20, below your alert threshold of USD 5.00.',
      );
    });

    it('refuses money that is not integer minor units', () => {
      const data = { balanceMinor: '4.20', thresholdMinor: '500', currency: 'USD' };
      expect(() => renderEmail(input(E.billingBalanceLow, data))).toThrow('"balanceMinor"');
      expect(() =>
        renderEmail(input(E.billingBalanceLow, { ...data, balanceMinor: '1', currency: 'usd' })),
      ).toThrow('"currency"');
    });

    it('formats money exactly, whatever its size, with the currency’s own decimals', () => {
      const en = new LocaleFormat('en');
      expect(en.money('123456789012345678901', 'USD')).toBe('USD 1,234,567,890,123,456,789.01');
      expect(en.money('-5', 'USD')).toBe('-USD 0.05');
      expect(new LocaleFormat('de').money('1200', 'JPY')).toBe('1.200 JPY');
    });
  });

  describe('every dedicated template in every locale', () => {
    const dedicated: Array<[string, Record<string, unknown>, string]> = [
      [E.userEmailVerificationRequested, tokenData, 'email_verification'],
      [E.userPasswordResetRequested, tokenData, 'password_reset'],
      [E.userPasswordChanged, {}, 'password_changed'],
      [E.userLockedOut, { lockedUntil: '2026-03-01T12:05:30.000Z' }, 'locked_out'],
      [E.billingInvoiceIssued, invoiceData, 'invoice_issued'],
      [
        E.billingPaymentSucceeded,
        { chargedMinor: '1', amountMinor: '1', balanceMinor: '1', currency: 'USD' },
        'payment_succeeded',
      ],
      [E.billingBalanceLow, { balanceMinor: '1', thresholdMinor: '2', currency: 'USD' }, 'balance_low'],
    ];
    it.each(
      dedicated.flatMap(([type, data, template]) =>
        (['en', 'de'] as const).map((locale) => [type, locale, data, template] as const),
      ),
    )('%s in %s', (type, locale, data, template) => {
      const email = renderEmail(input(type, data, { locale }));
      expect(email).toMatchObject({ template, locale });
      expect(email.subject).not.toBe('');
      for (const part of [email.subject, email.text, email.html])
        expect(part).not.toMatch(/undefined|null|NaN|\[object/);
      expect(email.html).toMatch(/^<!DOCTYPE html><html lang="(en|de)">.*<\/html>$/s);
    });
    it('German and English differ for each', () => {
      for (const [type, data] of dedicated) {
        expect(renderEmail(input(type, data, { locale: 'de' })).subject).not.toBe(
          renderEmail(input(type, data)).subject,
        );
      }
    });
  });

  describe('generic template', () => {
    it('writes every other event from the inbox title and body', () => {
      const email = renderEmail(
        input(
          E.deviceAllocated,
          { allocationId: 'x' },
          { title: 'Device allocated', body: 'Line one.\nLine two.' },
        ),
      );
      expect(email).toMatchObject({ template: 'generic', subject: 'Device allocated' });
      expect(email.text).toContain('Line one.\n\nLine two.');
      expect(email.html).toContain('<p style="margin:0 0 16px">Line two.</p>');
    });

    it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
      'treats the event type %s as any other event, not as an object key',
      (eventType) => {
        expect(renderEmail(input(eventType, {})).template).toBe('generic');
      },
    );

    it('falls back to English for a locale it does not know', () => {
      const email = renderEmail(
        input(E.userPasswordChanged, {}, { locale: 'constructor' as NotificationLocale }),
      );
      expect(email.locale).toBe('en');
    });
  });

  describe('escaping', () => {
    const hostile = `<script>alert("x")</script> & 'quotes'`;

    it('escapes every interpolated value in the HTML part and keeps it verbatim in the text part', () => {
      const email = renderEmail(
        input(E.queueFulfilled, {}, { title: hostile, body: hostile, displayName: hostile }),
      );
      expect(email.html).not.toContain('<script>');
      expect(email.html).toContain(
        '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;',
      );
      expect(email.html.match(/<script/g)).toBeNull();
      expect(email.text).toContain(hostile);
    });

    it('cannot break out of the link’s attribute', () => {
      const email = renderEmail(
        input(E.userPasswordResetRequested, {
          ...tokenData,
          token: `"><img src=x onerror=alert(1)>${'a'.repeat(32)}`,
        }),
      );
      expect(email.html).not.toContain('<img');
      expect(email.html).toContain('%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E');
    });

    it('makes the subject and the greeting one line: CR, LF and NUL become spaces', () => {
      const email = renderEmail(
        input(
          E.queueFulfilled,
          {},
          { title: 'Hi\r\nBcc: victim@example.com\u0000', displayName: 'Ada\r\nX-Evil: 1' },
        ),
      );
      expect(email.subject).toBe('Hi Bcc: victim@example.com');
      expect(email.text.split('\n')[0]).toBe('Hello Ada X-Evil: 1,');
      expect(singleLine('a\u2028b\tc', 10)).toBe('a b c');
      expect(singleLine('x'.repeat(300), 200)).toHaveLength(200);
    });

    it('greets without a name when there is none', () => {
      expect(
        renderEmail(input(E.userPasswordChanged, {}, { displayName: '\r\n' })).text.startsWith('Hello,\n'),
      ).toBe(true);
    });
  });
});
