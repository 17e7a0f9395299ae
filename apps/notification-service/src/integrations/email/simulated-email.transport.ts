import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { EmailSendOutcome, EmailTransport, OutgoingEmail } from './email-transport';
import { nodemailerMessage } from './smtp-email.transport';

export interface SimulatedEmailTransportOptions {
  /** Messages kept (the oldest go first); 200 by default. */
  capacity?: number;
  /** Where each email is also written as an .eml file (EMAIL_SIMULATED_DIR); none: memory only. */
  directory?: string;
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
  private readonly directory?: string;

  constructor(options: SimulatedEmailTransportOptions = {}) {
    this.capacity = options.capacity ?? 200;
    this.directory = options.directory;
  }

  async send(email: OutgoingEmail): Promise<EmailSendOutcome> {
    this.messages.push(email);
    if (this.messages.length > this.capacity) this.messages.shift();
    const file = this.directory ? await this.writeFile(this.directory, email) : undefined;
    this.logger.log({
      msg: 'email simulated (not sent)',
      messageId: email.messageId,
      recipientDomain: email.to.address.slice(email.to.address.lastIndexOf('@') + 1),
      ...(file && { file }),
    });
    return { result: 'sent' };
  }

  /** The email as an RFC 822 file, readable by its owner only (it may hold a single-use token). */
  private async writeFile(directory: string, email: OutgoingEmail): Promise<string> {
    const raw = await new MailComposer(nodemailerMessage(email)).compile().build();
    await mkdir(directory, { recursive: true, mode: 0o700 });
    const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${email.messageId.replace(/[^A-Za-z0-9-]/g, '')}.eml`;
    const file = join(directory, name);
    await writeFile(file, raw, { mode: 0o600 });
    return file;
  }

  /** The kept messages, oldest first. */
  sent(): readonly OutgoingEmail[] {
    return [...this.messages];
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
