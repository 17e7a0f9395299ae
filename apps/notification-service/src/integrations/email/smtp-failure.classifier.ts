import type { EmailSendOutcome } from './email-transport';

/** What nodemailer puts on its errors (smtp-connection's _formatError). */
interface NodemailerErrorFields {
  message?: unknown;
  code?: unknown;
  responseCode?: unknown;
  command?: unknown;
}

type SmtpFailure = Extract<EmailSendOutcome, { result: 'failed' }>;

/** Commands whose reply is about this message (its sender, recipient or content), not the server or us. */
const MESSAGE_COMMANDS = new Set(['MAIL FROM', 'RCPT TO', 'DATA']);
/** nodemailer's codes for a failure before any reply: no connection, DNS, TLS, a dropped socket. */
const UNAVAILABLE_CODES = new Set(['ECONNECTION', 'ESOCKET', 'EDNS', 'ETLS', 'ECONNREFUSED', 'ECONNRESET']);
/** Longest error text kept: the record's last_error and the logs need the reply, not an essay. */
const MAX_ERROR_LENGTH = 300;

/**
 * Classifies a failed SMTP send. A 5xx reply to MAIL FROM, RCPT TO or DATA (550 mailbox unavailable,
 * 554 content refused) is permanent: sending the same message again gets the same answer. Everything
 * else is transient: a 4xx reply (greylisting, 451 try later), no connection, a timeout, and also a
 * 5xx to the greeting, EHLO or AUTH, which says the server will not talk to us (blocked address,
 * wrong credentials) — a configuration fault to mend, after which the retries go through instead of
 * every email in between being lost.
 */
export function classifySmtpFailure(error: unknown): SmtpFailure {
  const fields = (typeof error === 'object' && error !== null ? error : {}) as NodemailerErrorFields;
  const code = typeof fields.code === 'string' ? fields.code : undefined;
  const responseCode = typeof fields.responseCode === 'number' ? fields.responseCode : undefined;
  const command = typeof fields.command === 'string' ? fields.command : undefined;
  const message = errorText(typeof fields.message === 'string' ? fields.message : String(error));

  if (code === 'EAUTH') return failed('SMTP_AUTH_FAILED', message, false);
  if (responseCode !== undefined && responseCode >= 400 && responseCode < 500) {
    return failed('SMTP_DEFERRED', message, false);
  }
  if (responseCode !== undefined && responseCode >= 500 && responseCode < 600) {
    const aboutMessage =
      (command !== undefined && MESSAGE_COMMANDS.has(command)) || code === 'EENVELOPE' || code === 'EMESSAGE';
    return failed(aboutMessage ? 'SMTP_REJECTED' : 'SMTP_ERROR', message, aboutMessage);
  }
  if (code === 'ETIMEDOUT') return failed('SMTP_TIMEOUT', message, false);
  if (code !== undefined && UNAVAILABLE_CODES.has(code)) return failed('SMTP_UNAVAILABLE', message, false);
  return failed('SMTP_ERROR', message, false);
}

function failed(code: SmtpFailure['code'], error: string, permanent: boolean): SmtpFailure {
  return { result: 'failed', code, error, permanent };
}

/** Line breaks, NUL and the other C0 controls of a reply. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\x00-\x1f\x7f]+/g;
/** An address a server's reply may echo (`550 <ada@example.com>: no such user`). */
const ADDRESS = /[^\s<>"'(),;:[\]]+@[^\s<>"'(),;:[\]]+/g;

/**
 * One line, bounded, without addresses: a server's reply may span lines, carry control characters,
 * or echo the recipient, and it ends up in the record's last_error and in the logs.
 */
function errorText(text: string): string {
  const line = text.replace(CONTROL_CHARACTERS, ' ').replace(ADDRESS, '<address>').trim();
  return line.length > MAX_ERROR_LENGTH ? `${line.slice(0, MAX_ERROR_LENGTH - 1)}…` : line;
}
