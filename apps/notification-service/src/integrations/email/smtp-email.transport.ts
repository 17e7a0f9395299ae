import { Logger } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import type { EmailSendOutcome, EmailTransport, OutgoingEmail } from './email-transport';
import { classifySmtpFailure } from './smtp-failure.classifier';

export interface SmtpEmailTransportOptions {
  /** `smtp://user:pass@host:port` (STARTTLS when the server offers it) or `smtps://…` (TLS from the start). */
  url: string;
  /** Deadline of connecting, of the server's greeting, and of each wait on the socket. */
  timeoutMs: number;
}

/** Connections kept open to the server: a burst (invoices at the start of a month) reuses them. */
const MAX_CONNECTIONS = 4;
/** Messages per connection before it is renewed, so a long-lived connection does not collect state. */
const MAX_MESSAGES_PER_CONNECTION = 100;

/**
 * nodemailer's pool options from SMTP_URL. Parsed here, not by nodemailer's own URL form, because
 * that form drops every other option (the timeouts, the pool).
 */
export function smtpPoolOptions(options: SmtpEmailTransportOptions): SMTPPool.Options {
  const url = new URL(options.url);
  const secure = url.protocol === 'smtps:';
  const user = decodeURIComponent(url.username);
  return {
    pool: true,
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    ...(user ? { auth: { user, pass: decodeURIComponent(url.password) } } : {}),
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
    maxConnections: MAX_CONNECTIONS,
    maxMessages: MAX_MESSAGES_PER_CONNECTION,
    // Never hand nodemailer's transaction log (it would hold addresses and content) to a logger.
    logger: false,
    debug: false,
  };
}

/** An OutgoingEmail as nodemailer takes it: the address object is quoted by nodemailer, never parsed. */
export function nodemailerMessage(email: OutgoingEmail): Mail.Options {
  return {
    from: email.from,
    to: { name: email.to.displayName, address: email.to.address },
    subject: email.subject,
    text: email.text,
    html: email.html,
    messageId: email.messageId,
    headers: email.headers,
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

/** The SMTP driver (EMAIL_TRANSPORT=smtp): nodemailer over a small connection pool to SMTP_URL. */
export class SmtpEmailTransport implements EmailTransport {
  readonly kind = 'smtp';
  private readonly logger = new Logger('SmtpEmailTransport');
  private readonly transporter: Transporter;

  constructor(options: SmtpEmailTransportOptions) {
    this.transporter = createTransport(smtpPoolOptions(options));
  }

  async send(email: OutgoingEmail): Promise<EmailSendOutcome> {
    try {
      await this.transporter.sendMail(nodemailerMessage(email));
      return { result: 'sent' };
    } catch (error) {
      const failure = classifySmtpFailure(error);
      this.logger.warn({
        msg: 'SMTP send failed',
        messageId: email.messageId,
        code: failure.code,
        permanent: failure.permanent,
        error: failure.error,
      });
      return failure;
    }
  }

  close(): Promise<void> {
    this.transporter.close();
    return Promise.resolve();
  }
}
