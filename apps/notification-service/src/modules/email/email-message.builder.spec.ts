import { randomUUID } from 'node:crypto';
import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import { nodemailerMessage, type OutgoingEmail } from '../../integrations/email';
import { EmailAddressError, buildEmailMessage, deliveryMessageId } from './email-message.builder';
import { renderEmail } from './templates/email-template.renderer';

const FROM = 'Cloudphone <no-reply@cloudphone.test>';

function message(
  to: { address: string; displayName: string },
  title = 'Device allocated',
  deliveryId = randomUUID(),
) {
  const rendered = renderEmail({
    eventType: 'device.allocated',
    locale: 'en',
    displayName: to.displayName,
    title,
    body: 'Your device is ready.',
    data: {},
    publicAppUrl: 'https://app.example.com',
  });
  return buildEmailMessage({ from: FROM, to, deliveryId, rendered });
}

/** The message as it goes over SMTP (nodemailer's own composer), read back by a real parser. */
async function wire(email: OutgoingEmail): Promise<{ raw: string; parsed: ParsedMail }> {
  const raw = (await new MailComposer(nodemailerMessage(email)).compile().build()).toString('utf8');
  return { raw, parsed: await simpleParser(raw) };
}

function recipients(parsed: ParsedMail) {
  const to = parsed.to as AddressObject;
  return to.value.map(({ address, name }) => ({ address, name }));
}

function headerNames(raw: string): string[] {
  const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
  return head
    .split('\r\n')
    .filter((line) => /^[!-9;-~]+:/.test(line))
    .map((line) => line.slice(0, line.indexOf(':')).toLowerCase());
}

describe('email message', () => {
  it('carries the delivery id as Message-ID and X-Cloudphone-Delivery, and says it is automatic', async () => {
    const deliveryId = randomUUID();
    const { parsed } = await wire(
      message({ address: 'ada@example.com', displayName: 'Ada' }, 'Hello', deliveryId),
    );
    expect(parsed.messageId).toBe(deliveryMessageId(deliveryId));
    expect(parsed.messageId).toBe(`<${deliveryId}@cloudphone.notifications>`);
    expect(parsed.headers.get('x-cloudphone-delivery')).toBe(deliveryId);
    expect(parsed.headers.get('auto-submitted')).toBe('auto-generated');
    expect(parsed.from?.value).toEqual([{ address: 'no-reply@cloudphone.test', name: 'Cloudphone' }]);
    expect(recipients(parsed)).toEqual([{ address: 'ada@example.com', name: 'Ada' }]);
    expect(parsed.subject).toBe('Hello');
    expect(parsed.text).toContain('Your device is ready.');
    expect(parsed.html).toContain('Your device is ready.');
  });

  it.each([
    ['quotes', 'Ada "the" Lovelace', 'Ada "the" Lovelace'],
    [
      'an address in the name',
      'boss@example.com <boss@example.com>, evil@example.com',
      'boss@example.com <boss@example.com>, evil@example.com',
    ],
    ['CR/LF and a header', 'Ada\r\nBcc: victim@example.com', 'Ada Bcc: victim@example.com'],
    ['a bare LF and a To header', 'Ada\nTo: victim@example.com\n\nbody', 'Ada To: victim@example.com body'],
    ['NUL', 'Ada\u0000Lovelace', 'Ada Lovelace'],
    ['constructor', 'constructor', 'constructor'],
    ['__proto__', '__proto__', '__proto__'],
    ['a backslash and a semicolon', 'Ada\\"; Bcc: x@example.com', 'Ada\\"; Bcc: x@example.com'],
    ['non-ASCII', 'Zoë Müller', 'Zoë Müller'],
  ])('keeps a display name with %s inside the one To address', async (_case, displayName, shown) => {
    const { raw, parsed } = await wire(message({ address: 'ada@example.com', displayName }));
    expect(recipients(parsed)).toEqual([{ address: 'ada@example.com', name: shown }]);
    const names = headerNames(raw);
    expect(names.filter((name) => name === 'to')).toHaveLength(1);
    expect(names).not.toContain('bcc');
    expect(names).not.toContain('cc');
  });

  it('keeps a subject with CR/LF on one line, adding no header', async () => {
    const { raw, parsed } = await wire(
      message(
        { address: 'ada@example.com', displayName: 'Ada' },
        'Hi\r\nBcc: victim@example.com\r\n\r\n<b>x</b>',
      ),
    );
    expect(parsed.subject).toBe('Hi Bcc: victim@example.com <b>x</b>');
    expect(headerNames(raw)).not.toContain('bcc');
    expect(parsed.bcc).toBeUndefined();
  });

  it.each([
    'ada@example.com\r\nBcc: victim@example.com',
    'ada@example.com, victim@example.com',
    'Ada <ada@example.com>',
    'ada@example.com>',
    '"ada"@example.com',
    'no-at-sign',
    '@example.com',
    'ada@',
    'ad a@example.com',
    `${'a'.repeat(250)}@example.com`,
  ])('refuses the address %j rather than put it in a header', (address) => {
    expect(() => message({ address, displayName: 'Ada' })).toThrow(EmailAddressError);
  });
});
