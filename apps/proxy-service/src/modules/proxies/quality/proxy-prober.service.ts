import { Injectable, Logger } from '@nestjs/common';
import { MetricsService, CredentialsCipher } from '@cloudphone/shared';
import type { Counter, Histogram } from 'prom-client';
import { ProxyServiceConfig } from '../../../config/proxy-service.config';
import { NetworkProxyProbe, type ProbeResult } from '../../../integrations/proxy-probe';
import { simulatedProbeResult } from '../../../integrations/proxy-vendor';
import { type ProbeOutcome, type ProbeTarget, QualityRepository } from './quality.repository';

/**
 * Probes one proxy and records the outcome. A real proxy is probed through the network (a GET to
 * PROXY_PROBE_TARGET_URL through it); a proxy of the simulated vendor has no host to reach, so its
 * vendor's seeded model answers instead, which keeps scoring and quarantine working in development.
 */
@Injectable()
export class ProxyProber {
  private readonly logger = new Logger(ProxyProber.name);
  private readonly network = new NetworkProxyProbe();
  private readonly target: URL;
  private readonly probes: Counter<'provider' | 'outcome'>;
  private readonly latency: Histogram<'provider'>;
  private readonly quarantined: Counter<'provider'>;

  constructor(
    private readonly quality: QualityRepository,
    private readonly cipher: CredentialsCipher,
    private readonly config: ProxyServiceConfig,
    metrics: MetricsService,
  ) {
    this.target = new URL(config.probeTargetUrl);
    this.probes = metrics.counter({
      name: 'cloudphone_proxy_probes_total',
      help: 'Proxy health probes by provider and outcome (ok, failed)',
      labelNames: ['provider', 'outcome'],
    });
    this.latency = metrics.histogram({
      name: 'cloudphone_proxy_probe_latency_seconds',
      help: 'Time to the target answer through the proxy, successful probes only',
      labelNames: ['provider'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    });
    this.quarantined = metrics.counter({
      name: 'cloudphone_proxy_quarantined_total',
      help: 'Proxies put in quarantine after failing PROXY_QUARANTINE_AFTER_FAILURES probes in a row',
      labelNames: ['provider'],
    });
  }

  async probe(target: ProbeTarget): Promise<{ result: ProbeResult; outcome: ProbeOutcome | null }> {
    const result = await this.run(target);
    this.probes.inc({ provider: target.provider, outcome: result.ok ? 'ok' : 'failed' });
    if (result.ok) this.latency.observe({ provider: target.provider }, result.latencyMs / 1000);
    const outcome = await this.quality.recordProbe(
      target.id,
      { ok: result.ok, latencyMs: result.latencyMs, error: result.error ?? null },
      this.config.quarantineAfterFailures,
      this.config.quarantineMinutes,
    );
    if (outcome?.quarantinedNow) {
      this.quarantined.inc({ provider: target.provider });
      this.logger.warn({
        msg: 'proxy quarantined',
        proxyId: target.id,
        provider: target.provider,
        failures: outcome.consecutiveFailures,
        until: outcome.quarantinedUntil?.toISOString(),
        lastError: result.error,
      });
    }
    return { result, outcome };
  }

  private run(target: ProbeTarget): Promise<ProbeResult> {
    if (target.providerKind === 'simulated') {
      const tick = Math.floor(Date.now() / 60_000);
      return Promise.resolve(
        simulatedProbeResult(target.externalId ?? target.host, this.config.simulatedSeed, tick),
      );
    }
    return this.network.probe(
      {
        host: target.host,
        port: target.port,
        protocol: target.protocol,
        username: this.cipher.decryptOptional(target.usernameEncrypted),
        password: this.cipher.decryptOptional(target.passwordEncrypted),
      },
      this.target,
      this.config.probeTimeoutMs,
    );
  }
}
