import type { NextFunction, Request, Response } from 'express';

/**
 * Counts requests being served so shutdown can wait for them; once draining, responses ask the
 * client to close its keep-alive connection.
 */
export class InFlightRequests {
  private active = 0;
  private draining = false;
  private waiters: Array<() => void> = [];

  readonly middleware = (_request: Request, response: Response, next: NextFunction): void => {
    this.active += 1;
    if (this.draining) response.setHeader('Connection', 'close');
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      this.active -= 1;
      if (this.active === 0) this.waiters.splice(0).forEach((resolve) => resolve());
    };
    response.once('finish', finish);
    response.once('close', finish);
    next();
  };

  get count(): number {
    return this.active;
  }

  /**
   * From now on every response closes its keep-alive connection, so clients reconnect (to another
   * replica) instead of reusing a connection this process is about to close.
   */
  startDraining(): void {
    this.draining = true;
  }

  /** Resolves when no request is in flight, or after `timeoutMs` with false. */
  drain(timeoutMs: number): Promise<boolean> {
    this.draining = true;
    if (this.active === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
