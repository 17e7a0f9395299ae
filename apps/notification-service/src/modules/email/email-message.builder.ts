import type { OutgoingEmail } from '../../integrations/email';
import { displayNameLine, singleLine } from './templates/email-layout.renderer';
import type { RenderedEmail } from './templates/email-template.renderer';

/** Where the email goes. */
export interface EmailRecipient {
  address: string;
  displayName: string;
}

/** The address cannot be put in a To header safely: a refusal for good, not something to retry. */
export class EmailAddressError extends Error {
  constructor() {
    super('the recipient address is not a plain email address');
    this.name = 'EmailAddressError';
  }
}

/**
 * A bare `local@domain` with nothing a header parser could read as another address, a comment, a
 * group or a new line. Stricter than RFC 5322 on purpose: user-service stores only such addresses.
 */
const PLAIN_ADDRESS = /^[^\s@<>()[\]\\,;:"]{1,64}@[^\s@<>()[\]\\,;:"]{1,255}$/;
const MAX_ADDRESS = 254;

/** The Message-ID of a delivery: the same on every retry and replay, so a receiver can drop a resend. */
export function deliveryMessageId(deliveryId: string): string {
  return `<${deliveryId}@cloudphone.notifications>`;
}

/**
 * The email of one delivery. Every header value is one line: the display name and the subject lose
 * control characters (CR, LF, NUL) here, and nodemailer quotes or encodes the name, so no value can
 * start a header of its own.
 */
export function buildEmailMessage(input: {
  from: string;
  to: EmailRecipient;
  deliveryId: string;
  rendered: RenderedEmail;
}): OutgoingEmail {
  const address = input.to.address.trim();
  if (address.length > MAX_ADDRESS || !PLAIN_ADDRESS.test(address)) throw new EmailAddressError();
  return {
    from: input.from,
    to: { address, displayName: displayNameLine(input.to.displayName) },
    subject: singleLine(input.rendered.subject, 200),
    text: input.rendered.text,
    html: input.rendered.html,
    messageId: deliveryMessageId(input.deliveryId),
    headers: {
      'X-Cloudphone-Delivery': input.deliveryId,
      // RFC 3834: an automatic message; out-of-office responders should not answer it.
      'Auto-Submitted': 'auto-generated',
    },
  };
}
