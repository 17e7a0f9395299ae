import type { EmailCopy } from './email-copy';

/** English emails. */
export const EN_EMAIL_COPY: EmailCopy = {
  greeting: (name) => (name ? `Hello ${name},` : 'Hello,'),
  signature: 'The Cloudphone team',
  footer:
    'This email was sent automatically about your Cloudphone account; replies are not read. ' +
    'Choose which emails you get in your notification settings.',
  verifyEmail: ({ link, expiresAt }) => ({
    subject: 'Verify your email address',
    paragraphs: [
      'Thanks for signing up for Cloudphone. Confirm that this is your address to activate your account.',
    ],
    action: { label: 'Verify email address', url: link },
    closing: [
      `The link works once, until ${expiresAt}.`,
      "If you didn't sign up, ignore this email: no account is activated without it.",
    ],
  }),
  resetPassword: ({ link, expiresAt }) => ({
    subject: 'Reset your password',
    paragraphs: ['Someone, hopefully you, asked to reset the password of your Cloudphone account.'],
    action: { label: 'Choose a new password', url: link },
    closing: [
      `The link works once, until ${expiresAt}.`,
      "If you didn't ask, ignore this email: your password stays as it is.",
    ],
  }),
  passwordChanged: () => ({
    subject: 'Your password was changed',
    paragraphs: [
      'The password of your Cloudphone account was just changed.',
      "If this wasn't you, reset your password right away.",
    ],
  }),
  lockedOut: ({ until }) => ({
    subject: 'Your account is locked',
    paragraphs: [
      `Too many failed sign-in attempts locked your account until ${until}.`,
      "If those attempts weren't yours, someone may be guessing your password: change it once you are back in.",
    ],
  }),
  invoiceIssued: ({ number, month, charges, credits, closingBalance, due }) => ({
    subject: `Invoice ${number} for ${month}`,
    paragraphs: [
      `Your invoice ${number} for ${month} is ready.`,
      `Charges: ${charges}. Credits: ${credits}. Closing balance: ${closingBalance}.`,
      due ? `${due.amount} is due by ${due.by}: top up your balance to settle it.` : 'Nothing is due.',
    ],
  }),
  paymentSucceeded: ({ charged, credited, balance }) => ({
    subject: 'Payment received',
    paragraphs: [
      credited
        ? `Your payment of ${charged} went through and ${credited} was credited (coupon applied).`
        : `Your payment of ${charged} went through.`,
      `Your balance is now ${balance}.`,
    ],
  }),
  balanceLow: ({ balance, threshold }) => ({
    subject: 'Your balance is low',
    paragraphs: [
      `Your balance is ${balance}, below your alert threshold of ${threshold}.`,
      'Top up to keep your devices running.',
    ],
  }),
  generic: ({ title, body }) => ({ subject: title, paragraphs: body.split(/\r?\n/) }),
};
