/** One request the traffic generator sends over and over. */
export interface TrafficTarget {
  url: string;
  headers?: Record<string, string>;
}

export interface TrafficFailure {
  url: string;
  at: number;
  status?: number;
  error?: string;
}

export interface TrafficReport {
  sent: number;
  succeeded: number;
  failures: TrafficFailure[];
  /** Completion times (ms since epoch) of the successful requests. */
  successTimes: number[];
}

/**
 * Continuous HTTP traffic from `concurrency` loops (keep-alive connections, as real clients use),
 * recording every non-2xx answer and every connection error until `stop()`.
 */
export class HttpTraffic {
  private running = true;
  private readonly report: TrafficReport = { sent: 0, succeeded: 0, failures: [], successTimes: [] };
  private readonly loops: Promise<void>[];

  private constructor(
    private readonly targets: TrafficTarget[],
    concurrency: number,
    private readonly pauseMs: number,
  ) {
    this.loops = Array.from({ length: concurrency }, (_, index) => this.loop(index));
  }

  static start(options: { targets: TrafficTarget[]; concurrency?: number; pauseMs?: number }): HttpTraffic {
    return new HttpTraffic(options.targets, options.concurrency ?? 4, options.pauseMs ?? 5);
  }

  /** The report so far (the generator keeps running). */
  snapshot(): TrafficReport {
    return {
      ...this.report,
      failures: [...this.report.failures],
      successTimes: [...this.report.successTimes],
    };
  }

  async stop(): Promise<TrafficReport> {
    this.running = false;
    await Promise.all(this.loops);
    return this.snapshot();
  }

  private async loop(offset: number): Promise<void> {
    let turn = offset;
    while (this.running) {
      const target = this.targets[turn % this.targets.length];
      turn += 1;
      this.report.sent += 1;
      try {
        const response = await fetch(target.url, {
          headers: target.headers,
          signal: AbortSignal.timeout(15_000),
        });
        await response.arrayBuffer();
        if (response.ok) {
          this.report.succeeded += 1;
          this.report.successTimes.push(Date.now());
        } else {
          this.report.failures.push({ url: target.url, at: Date.now(), status: response.status });
        }
      } catch (error) {
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        this.report.failures.push({
          url: target.url,
          at: Date.now(),
          error: `${(error as Error).message}${cause ? ` (${cause.code ?? cause.message})` : ''}`,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, this.pauseMs));
    }
  }
}
