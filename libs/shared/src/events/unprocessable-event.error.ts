/**
 * Thrown by an `@OnEvent` handler for an event it can never handle, e.g. a payload that breaks the
 * event's schema. Retrying cannot help, so the consumer rolls the transaction back and moves the
 * message straight to the dead-letter queue (reason `unprocessable`) instead of spending the retry
 * delays on it.
 */
export class UnprocessableEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnprocessableEventError';
  }
}
