import {
  PlatformServiceConfig,
  EnvBoolean,
  EnvEnum,
  EnvInteger,
  EnvString,
  EnvUrl,
} from '@cloudphone/shared';
import { SERVICE_CATALOG } from '@cloudphone/contracts';

/** How email leaves: `smtp` (SMTP_URL) or `simulated` (kept in memory and logged, for development). */
export const EMAIL_TRANSPORTS = ['smtp', 'simulated'] as const;
export type EmailTransportKind = (typeof EMAIL_TRANSPORTS)[number];

export class NotificationServiceConfig extends PlatformServiceConfig {
  readonly serviceName = SERVICE_CATALOG.notification.name;

  @EnvInteger('PORT', { default: SERVICE_CATALOG.notification.port, min: 0, max: 65535 })
  port!: number;

  // Deliveries (issue 16): email, webhook and push, each a delivery record sent through the outbox.
  /** Attempts of one delivery round (outbox backoff between them) before it is `failed`. */
  @EnvInteger('DELIVERY_MAX_ATTEMPTS', { default: 6, min: 1, max: 100 })
  deliveryMaxAttempts!: number;

  /** `retry-failed-deliveries` gives a failed delivery another round until it is this old; then `dead`. */
  @EnvInteger('DELIVERY_RETRY_WINDOW_HOURS', { default: 24, min: 1, max: 720 })
  deliveryRetryWindowHours!: number;

  /** Minutes between two rounds of one failed delivery (retry-failed-deliveries). */
  @EnvInteger('DELIVERY_RETRY_INTERVAL_MINUTES', { default: 15, min: 1, max: 1440 })
  deliveryRetryIntervalMinutes!: number;

  /** `cleanup-delivery-records` deletes settled delivery records older than this. */
  @EnvInteger('DELIVERY_RECORD_RETENTION_DAYS', { default: 30, min: 1, max: 3650 })
  deliveryRecordRetentionDays!: number;

  // Email.
  @EnvEnum('EMAIL_TRANSPORT', EMAIL_TRANSPORTS, { default: 'simulated' })
  emailTransport!: EmailTransportKind;

  /** `smtp://user:pass@host:port` or `smtps://…`; required when EMAIL_TRANSPORT=smtp. */
  @EnvUrl('SMTP_URL', { protocols: ['smtp', 'smtps'], optional: true })
  smtpUrl?: string;

  /** SMTP_URL, which EMAIL_TRANSPORT=smtp needs: without it the start stops, naming it. */
  requiredSmtpUrl(): string {
    if (this.smtpUrl === undefined) throw new Error('SMTP_URL is required when EMAIL_TRANSPORT=smtp');
    return this.smtpUrl;
  }

  /**
   * EMAIL_TRANSPORT=simulated also writes each email as `<time>-<delivery id>.eml` here (owner-only
   * files), so a developer can open the verification link; standalone sets `<home>/mail`.
   */
  @EnvString('EMAIL_SIMULATED_DIR', { optional: true })
  emailSimulatedDir?: string;

  /** The From header of every email. */
  @EnvString('EMAIL_FROM', { default: 'Cloudphone <no-reply@cloudphone.local>' })
  emailFrom!: string;

  /**
   * Deadline of connecting, of the greeting and of each wait on the socket. At most 15 s, so one
   * attempt (three such waits) ends within the 60 s a delivery is leased: no second process sends
   * the email while the first is still talking to the server.
   */
  @EnvInteger('SMTP_TIMEOUT_MS', { default: 10_000, min: 100, max: 15_000 })
  smtpTimeoutMs!: number;

  /** Where the web app lives: links in emails (verify, reset) point here. */
  @EnvUrl('PUBLIC_APP_URL', { protocols: ['http', 'https'], default: 'http://localhost:3000' })
  publicAppUrl!: string;

  // Webhooks.
  /** Deadline of one webhook request; at most 30 s, well inside the 60 s a delivery is leased. */
  @EnvInteger('WEBHOOK_TIMEOUT_MS', { default: 5000, min: 100, max: 30_000 })
  webhookTimeoutMs!: number;

  /** Lets webhook URLs reach loopback and private addresses (development and tests only). */
  @EnvBoolean('WEBHOOK_ALLOW_PRIVATE_NETWORKS', { default: false })
  webhookAllowPrivateNetworks!: boolean;

  /** Encrypts webhook signing secrets at rest (shared with the other services' vendor credentials). */
  @EnvString('VENDOR_CREDENTIALS_KEY', { minLength: 32, description: 'a secret of at least 32 characters' })
  credentialsKey!: string;

  // Error digest.
  /** Operators' addresses (comma-separated) for the error digest; none: the digest is only logged. */
  @EnvString('OPERATOR_EMAILS', {
    optional: true,
    pattern: /^[^\s,@]+@[^\s,@]+(,[^\s,@]+@[^\s,@]+)*$/,
    description: 'comma-separated email addresses',
  })
  operatorEmails?: string;

  /** Length of one error-digest window: repeated errors within it are one line of one email. */
  @EnvInteger('ERROR_DIGEST_WINDOW_MINUTES', { default: 60, min: 5, max: 1440 })
  errorDigestWindowMinutes!: number;
}
