import { Injectable, Logger } from '@nestjs/common';
import type {
  CreateSmsProviderRequest,
  SmsProviderResponse,
  SmsProviderTestResponse,
  UpdateSmsProviderRequest,
} from '@cloudphone/contracts';
import { actorOf, CredentialsCipher, MetricsService, type Principal } from '@cloudphone/shared';
import type { Gauge } from 'prom-client';
import { SmsReceiveServiceConfig } from '../../../config/sms-receive-service.config';
import { SmsProviderVendors } from './provider-vendors.service';
import type { SmsProviderRecord } from './sms-provider-record';
import { smsProviderResponse } from './sms-provider-response.mapper';
import { SmsProviderErrors } from './sms-providers.errors';
import { SmsProvidersRepository } from './sms-providers.repository';

/** Admin operations on SMS providers, and their health checks. */
@Injectable()
export class SmsProvidersService {
  private readonly logger = new Logger(SmsProvidersService.name);
  private readonly healthGauge: Gauge<'provider'>;

  constructor(
    private readonly providers: SmsProvidersRepository,
    private readonly vendors: SmsProviderVendors,
    private readonly cipher: CredentialsCipher,
    private readonly config: SmsReceiveServiceConfig,
    metrics: MetricsService,
  ) {
    this.healthGauge = metrics.gauge({
      name: 'cloudphone_sms_provider_healthy',
      help: 'Whether each SMS provider passed its recent health checks (1) or not (0); sms-provider-health job',
      labelNames: ['provider'],
    });
  }

  async list(): Promise<SmsProviderResponse[]> {
    return (await this.providers.list()).map(smsProviderResponse);
  }

  async get(id: string): Promise<SmsProviderResponse> {
    return smsProviderResponse(await this.existing(id));
  }

  async create(request: CreateSmsProviderRequest, principal: Principal): Promise<SmsProviderResponse> {
    if (request.kind === 'fivesim' && request.apiKey === undefined) throw SmsProviderErrors.apiKeyRequired();
    const created = await this.providers.insert({
      name: request.name,
      kind: request.kind,
      apiUrl: request.apiUrl ?? null,
      apiKeyEncrypted: this.cipher.encryptOptional(request.apiKey),
    });
    if (!created) throw SmsProviderErrors.nameTaken(request.name);
    this.logger.log({
      msg: 'sms provider added',
      provider: created.name,
      kind: created.kind,
      by: actorOf(principal),
    });
    return smsProviderResponse(created);
  }

  async update(id: string, request: UpdateSmsProviderRequest): Promise<SmsProviderResponse> {
    if (request.apiUrl === undefined && request.apiKey === undefined) throw SmsProviderErrors.emptyUpdate();
    const updated = await this.providers.update(id, {
      apiUrl: request.apiUrl,
      apiKeyEncrypted: request.apiKey === undefined ? undefined : this.cipher.encrypt(request.apiKey),
    });
    if (!updated) throw SmsProviderErrors.notFound(id);
    return smsProviderResponse(updated);
  }

  async remove(id: string, principal: Principal): Promise<void> {
    const outcome = await this.providers.deleteIfUnused(id);
    if (outcome === 'not_found') throw SmsProviderErrors.notFound(id);
    if (outcome === 'in_use') throw SmsProviderErrors.inUse(id);
    this.logger.log({ msg: 'sms provider deleted', providerId: id, by: actorOf(principal) });
  }

  async toggle(id: string, enabled: boolean, principal: Principal): Promise<SmsProviderResponse> {
    const updated = await this.providers.setEnabled(id, enabled);
    if (!updated) throw SmsProviderErrors.notFound(id);
    this.logger.log({ msg: 'sms provider toggled', provider: updated.name, enabled, by: actorOf(principal) });
    return smsProviderResponse(updated);
  }

  async test(id: string): Promise<SmsProviderTestResponse> {
    const result = await this.vendors.of(await this.existing(id)).test();
    return {
      ok: result.ok,
      latencyMs: result.latencyMs,
      balanceMinor: result.balanceMinor?.toString() ?? null,
      error: result.error ?? null,
    };
  }

  /** Checks every enabled provider's API (sms-provider-health); answers how many are unhealthy. */
  async checkHealth(signal: AbortSignal): Promise<number> {
    let unhealthy = 0;
    this.healthGauge.reset();
    for (const provider of await this.providers.list()) {
      if (signal.aborted) break;
      if (!provider.enabled) continue;
      unhealthy += (await this.checkOne(provider)) ? 0 : 1;
    }
    return unhealthy;
  }

  private async checkOne(provider: SmsProviderRecord): Promise<boolean> {
    const result = await this.vendors.of(provider).test();
    const health = await this.providers.recordHealth(
      provider.id,
      {
        ok: result.ok,
        error: result.error ?? null,
        balanceMinor: result.balanceMinor ?? null,
        balanceCurrency: result.currency ?? null,
      },
      this.config.healthFailureThreshold,
    );
    const healthy = health?.healthy ?? result.ok;
    this.healthGauge.set({ provider: provider.name }, healthy ? 1 : 0);
    if (health?.changed) {
      this.logger.warn({
        msg: healthy ? 'sms provider healthy again' : 'sms provider unhealthy',
        provider: provider.name,
        error: result.error,
      });
    }
    return healthy;
  }

  private async existing(id: string): Promise<SmsProviderRecord> {
    const provider = await this.providers.findById(id);
    if (!provider) throw SmsProviderErrors.notFound(id);
    return provider;
  }
}
