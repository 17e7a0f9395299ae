import { Injectable } from '@nestjs/common';
import { NotificationServiceConfig } from '../../config/notification-service.config';
import { ErrorLogRepository } from './error-log.repository';

/** Where errors worth an operator's attention come from. */
export type ErrorSource = `event:${string}` | `delivery:${string}`;

/**
 * Counts an error for the error digest, in the caller's transaction (the consumed event's, or the
 * settling delivery's), so a redelivered event rolled back with its handler is not counted twice.
 */
@Injectable()
export class ErrorLog {
  constructor(
    private readonly errors: ErrorLogRepository,
    private readonly config: NotificationServiceConfig,
  ) {}

  record(source: ErrorSource, code: string, sample: string): Promise<void> {
    return this.errors.record(source, code, stripControls(sample), this.config.errorDigestWindowMinutes);
  }
}

/** Samples go into an email: no control characters (a NUL would not even store). */
function stripControls(text: string): string {
  return text.replace(/\p{Cc}+/gu, ' ');
}
