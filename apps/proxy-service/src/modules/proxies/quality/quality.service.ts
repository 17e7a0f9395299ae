import { Injectable } from '@nestjs/common';
import type { ProxyProbeResponse, ProxyQualityDistributionResponse } from '@cloudphone/contracts';
import { mapInParallel } from '@cloudphone/shared';
import { ProxyServiceConfig } from '../../../config/proxy-service.config';
import { ProxiesRepository } from '../pool/proxies.repository';
import { PoolErrors } from '../pool/pool.errors';
import { ProxyProber } from './proxy-prober.service';
import { qualityScore } from './quality-score';
import { QualityRepository } from './quality.repository';

/** The five score bands of the distribution: 0–19, 20–39, 40–59, 60–79, 80–100. */
const BANDS = [0, 1, 2, 3, 4];
/** Probes deleted per statement when trimming the window. */
const TRIM_BATCH = 5000;

@Injectable()
export class QualityService {
  constructor(
    private readonly quality: QualityRepository,
    private readonly proxies: ProxiesRepository,
    private readonly prober: ProxyProber,
    private readonly config: ProxyServiceConfig,
  ) {}

  /**
   * Probes up to PROXY_PROBE_BATCH_SIZE proxies, least recently probed first (a pool larger than a
   * batch is covered over several runs), PROXY_PROBE_CONCURRENCY at a time.
   */
  async probeDue(signal: AbortSignal): Promise<{ probed: number; failed: number }> {
    const due = await this.quality.dueForProbe(this.config.probeBatchSize);
    const results = await mapInParallel(due, this.config.probeConcurrency, (target) =>
      signal.aborted ? Promise.resolve(null) : this.prober.probe(target),
    );
    const done = results.filter((entry) => entry !== null);
    return { probed: done.length, failed: done.filter((entry) => !entry.result.ok).length };
  }

  /**
   * Rolls the scores forward: each proxy's from its probes in the last PROXY_PROBE_RETENTION_HOURS
   * (qualityScore), each provider's as the average of its proxies; then trims probes out of the window.
   */
  async rescore(signal: AbortSignal): Promise<number> {
    const windows = await this.quality.probeWindows(this.config.probeRetentionHours);
    const scores = windows.flatMap((window) => {
      const score = qualityScore(window);
      return score === null ? [] : [{ proxyId: window.proxyId, score }];
    });
    signal.throwIfAborted();
    await this.quality.storeScores(scores);
    while (
      !signal.aborted &&
      (await this.quality.trimProbes(this.config.probeRetentionHours, TRIM_BATCH)) === TRIM_BATCH
    );
    return scores.length;
  }

  async probeNow(proxyId: string): Promise<ProxyProbeResponse> {
    const target = await this.quality.findTarget(proxyId);
    if (!target) throw PoolErrors.notFound(proxyId);
    const { result, outcome } = await this.prober.probe(target);
    return {
      proxyId,
      ok: result.ok,
      latencyMs: result.latencyMs,
      error: result.error ?? null,
      consecutiveFailures: outcome?.consecutiveFailures ?? 0,
      quarantinedUntil: outcome?.quarantinedUntil?.toISOString() ?? null,
    };
  }

  async distribution(): Promise<ProxyQualityDistributionResponse> {
    const counts = new Map((await this.proxies.countByQualityBand()).map((row) => [row.band, row.count]));
    return {
      bands: BANDS.map((band) => ({
        from: band * 20,
        to: band === 4 ? 100 : band * 20 + 19,
        count: counts.get(band) ?? 0,
      })),
    };
  }
}
