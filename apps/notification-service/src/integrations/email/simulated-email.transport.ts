import { Logger } from '@nestjs/common';
import type { EmailSendOutcome, EmailTransport, OutgoingEmail } from './email-transport';

export interface SimulatedEmailTransportOptions {
  /** Messages kept (the oldest go first); 200 by default. */
  capacity?: number;
}

/**
 * The development driver (EMAIL_TRANSPORT=simulated, the default): every email "arrives" at once and
 * is kept in memory, newest last. The log line names the message and the recipient's domain only —
 * never the subject or the body, which may carry a single-use token.
 */
export class SimulatedEmailTransport implements EmailTransport {
  readonly kind = 'simulated';
  private readonly logger = new Logger('SimulatedEmailTransport');
  private readonly messages: OutgoingEmail[] = [];
  private readonly capacity: number;

  constructor(options: SimulatedEmailTransportOptions = {}) {
    this.capacity = options.capacity ?? 200;
  }

  send(email: OutgoingEmail): Promise<EmailSendOutcome> {
    this.messages.push(email);
    if (this.messages.length > this.capacity) this.messages.shift();
    this.logger.log({
      msg: 'email simulated (not sent)',
      messageId: email.messageId,
      recipientDomain: email.to.address.slice(email.to.address.lastIndexOf('@') + 1),
    });
    return Promise.resolve({ result: 'sent' });
  }

  /** The kept messages, oldest first. */
  sent(): readonly OutgoingEmail[] {
    return [...this.messages];
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
