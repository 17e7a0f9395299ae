/** One email, ready to leave: every header value is already free of line breaks and control characters. */
export interface OutgoingEmail {
  /** The From header as configured (EMAIL_FROM), e.g. `Cloudphone <no-reply@example.com>`. */
  from: string;
  to: { address: string; displayName: string };
  subject: string;
  text: string;
  html: string;
  /** `<delivery id@cloudphone.notifications>`: the same on every retry, so receivers can drop a resend. */
  messageId: string;
  /** Extra headers (X-Cloudphone-Delivery, Auto-Submitted). */
  headers: Record<string, string>;
}

/**
 * How one send went. A failure is `permanent` when the receiving server refused the message for good
 * (5xx: no such mailbox, content refused); otherwise it is worth trying again later.
 */
export type EmailSendOutcome =
  | { result: 'sent' }
  | { result: 'failed'; code: EmailFailureCode; error: string; permanent: boolean; retryAfterMs?: number };

/** Why a send failed, as delivery records and metrics name it. */
export type EmailFailureCode =
  /** No connection: refused, reset, DNS, TLS. */
  | 'SMTP_UNAVAILABLE'
  /** Connecting, the greeting or the conversation took longer than SMTP_TIMEOUT_MS. */
  | 'SMTP_TIMEOUT'
  /** The server refused our credentials (a configuration fault: retried until it is mended). */
  | 'SMTP_AUTH_FAILED'
  /** A 4xx reply: try again later (greylisting, mailbox full for now, rate limits). */
  | 'SMTP_DEFERRED'
  /** A 5xx reply: the server refused this message for good. */
  | 'SMTP_REJECTED'
  /** Anything else the driver could not classify: retried. */
  | 'SMTP_ERROR';

/**
 * Sends email. A driver never throws for a failed send: it classifies the failure. Drivers: SMTP
 * (nodemailer, SMTP_URL) and simulated (kept in memory, metadata logged), chosen by EMAIL_TRANSPORT.
 */
export interface EmailTransport {
  readonly kind: string;
  send(email: OutgoingEmail): Promise<EmailSendOutcome>;
  /** Closes pooled connections at shutdown. */
  close(): Promise<void>;
}

/** The injection token of the configured EmailTransport. */
export const EMAIL_TRANSPORT = Symbol('EMAIL_TRANSPORT');
