export interface AdmissionGateOptions {
  /** Calls running at once; the rest wait in arrival order. */
  maxInFlight: number;
  /** Calls waiting at once; one more is refused at once (`queue_full`). */
  maxQueued: number;
  /** How long a call may wait before it is refused (`wait_timeout`); it then never runs. */
  maxWaitMs: number;
}

/** Why a call was refused without running. */
export type AdmissionRefusal = 'queue_full' | 'wait_timeout';

export class AdmissionRefusedError extends Error {
  constructor(readonly reason: AdmissionRefusal) {
    super(`admission refused: ${reason}`);
  }
}

interface Waiter {
  admit: () => void;
  timer: NodeJS.Timeout;
}

/**
 * Admission control for work that costs other processes CPU (HTTP calls, statements): at most
 * `maxInFlight` calls run at once and the rest wait, first come first served. Beyond what the
 * machine can serve, more concurrency only lengthens every call until the calls it makes outlive
 * their timeouts and each failure costs extra work to undo; a bounded queue keeps the running ones
 * short and refuses the excess cheaply, before it holds anything.
 */
export class AdmissionGate {
  private running = 0;
  private readonly waiting: Waiter[] = [];

  constructor(private readonly options: AdmissionGateOptions) {}

  get inFlight(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Runs `work` once admitted; `waited` (ms) is reported before it starts. */
  async run<T>(work: () => Promise<T>, waited?: (ms: number) => void): Promise<T> {
    if (this.running >= this.options.maxInFlight) {
      const started = performance.now();
      await this.wait();
      waited?.(performance.now() - started);
    } else {
      this.running += 1;
      waited?.(0);
    }
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private wait(): Promise<void> {
    if (this.waiting.length >= this.options.maxQueued) {
      return Promise.reject(new AdmissionRefusedError('queue_full'));
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        // The slot passes straight from the finishing call to this one: `running` stays counted.
        admit: () => {
          clearTimeout(waiter.timer);
          resolve();
        },
        timer: setTimeout(() => {
          this.waiting.splice(this.waiting.indexOf(waiter), 1);
          reject(new AdmissionRefusedError('wait_timeout'));
        }, this.options.maxWaitMs),
      };
      this.waiting.push(waiter);
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next.admit();
    else this.running -= 1;
  }
}
