/**
 * Thrown by an `@OnEvent` handler for an event it can never handle although its payload is well
 * formed (the consumer checks the shape before any handler runs), e.g. a fact that contradicts the
 * service's own records. Retrying cannot help, so the consumer rolls the transaction back and moves
 * the message straight to the dead-letter queue (reason `unprocessable`) instead of spending the
 * retry delays on it.
 */
export class UnprocessableEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnprocessableEventError';
  }
}
