import type { EmailTransport } from './email-transport';
import { SimulatedEmailTransport } from './simulated-email.transport';
import { SmtpEmailTransport } from './smtp-email.transport';

export type EmailTransportSettings =
  { kind: 'simulated'; directory?: string } | { kind: 'smtp'; url: string; timeoutMs: number };

/** The driver `settings.kind` names, built from its settings (the service's config supplies them). */
export function createEmailTransport(settings: EmailTransportSettings): EmailTransport {
  switch (settings.kind) {
    case 'simulated':
      return new SimulatedEmailTransport({ directory: settings.directory });
    case 'smtp':
      return new SmtpEmailTransport({ url: settings.url, timeoutMs: settings.timeoutMs });
  }
}
