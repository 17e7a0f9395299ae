import { Injectable, Logger } from '@nestjs/common';
import type {
  CreateProxyProviderRequest,
  ProxyProviderImportResponse,
  ProxyProviderRankingResponse,
  ProxyProviderResponse,
  ProxyProviderTestResponse,
  UpdateProxyProviderRequest,
} from '@cloudphone/contracts';
import { type Principal, actorOf, CredentialsCipher } from '@cloudphone/shared';
import { ProxyServiceConfig } from '../../../config/proxy-service.config';
import { ProxyVendorError, type VendorProxy } from '../../../integrations/proxy-vendor';
import { ProxiesRepository } from '../pool/proxies.repository';
import type { NewProxy } from '../pool/proxy-record';
import { ProviderVendors } from './provider-vendors.service';
import { ProviderErrors } from './providers.errors';
import { ProvidersRepository } from './providers.repository';
import type { ProxyProviderRecord } from './proxy-provider-record';
import { providerResponse } from './provider-response.mapper';

/** Admin operations on providers: CRUD, enable/disable, a live API test, an import of their proxies. */
@Injectable()
export class ProvidersService {
  private readonly logger = new Logger(ProvidersService.name);

  constructor(
    private readonly providers: ProvidersRepository,
    private readonly proxies: ProxiesRepository,
    private readonly vendors: ProviderVendors,
    private readonly cipher: CredentialsCipher,
    private readonly config: ProxyServiceConfig,
  ) {}

  async list(): Promise<ProxyProviderResponse[]> {
    return (await this.providers.list()).map(providerResponse);
  }

  async get(id: string): Promise<ProxyProviderResponse> {
    return providerResponse(await this.existing(id));
  }

  async create(request: CreateProxyProviderRequest, principal: Principal): Promise<ProxyProviderResponse> {
    if (request.kind === 'webshare' && request.apiKey === undefined) throw ProviderErrors.apiKeyRequired();
    const created = await this.providers.insert({
      name: request.name,
      kind: request.kind,
      apiUrl: request.apiUrl ?? null,
      apiKeyEncrypted: this.cipher.encryptOptional(request.apiKey),
      defaultCostPerHourMicros: BigInt(request.defaultCostPerHourMicros ?? 0),
      defaultCostPerGbMicros: BigInt(request.defaultCostPerGbMicros ?? 0),
      dailyBudgetMicros: request.dailyBudgetMicros == null ? null : BigInt(request.dailyBudgetMicros),
    });
    if (!created) throw ProviderErrors.nameTaken(request.name);
    this.logger.log({
      msg: 'proxy provider added',
      provider: created.name,
      kind: created.kind,
      by: actorOf(principal),
    });
    return providerResponse(created);
  }

  async update(id: string, request: UpdateProxyProviderRequest): Promise<ProxyProviderResponse> {
    if (Object.values(request).every((value) => value === undefined)) throw ProviderErrors.emptyUpdate();
    const updated = await this.providers.update(id, {
      apiUrl: request.apiUrl,
      apiKeyEncrypted: request.apiKey === undefined ? undefined : this.cipher.encrypt(request.apiKey),
      defaultCostPerHourMicros: optionalBigint(request.defaultCostPerHourMicros),
      defaultCostPerGbMicros: optionalBigint(request.defaultCostPerGbMicros),
      dailyBudgetMicros:
        request.dailyBudgetMicros === undefined
          ? undefined
          : request.dailyBudgetMicros === null
            ? null
            : BigInt(request.dailyBudgetMicros),
    });
    if (!updated) throw ProviderErrors.notFound(id);
    return providerResponse(updated);
  }

  async remove(id: string, principal: Principal): Promise<void> {
    const outcome = await this.providers.deleteIfUnused(id);
    if (outcome === 'not_found') throw ProviderErrors.notFound(id);
    if (outcome === 'in_use') throw ProviderErrors.inUse(id);
    this.logger.log({ msg: 'proxy provider deleted', providerId: id, by: actorOf(principal) });
  }

  async toggle(id: string, enabled: boolean, principal: Principal): Promise<ProxyProviderResponse> {
    const updated = await this.providers.setEnabled(id, enabled);
    if (!updated) throw ProviderErrors.notFound(id);
    this.logger.log({
      msg: 'proxy provider toggled',
      provider: updated.name,
      enabled,
      by: actorOf(principal),
    });
    return providerResponse(updated);
  }

  async test(id: string): Promise<ProxyProviderTestResponse> {
    const provider = await this.existing(id);
    const vendor = this.vendors.of(provider);
    if (!vendor) throw ProviderErrors.noApi(id);
    const result = await vendor.test();
    return { ok: result.ok, latencyMs: result.latencyMs, error: result.error ?? null };
  }

  /** Fetches every proxy the vendor account holds and adds or refreshes them by the vendor's id. */
  async import(id: string, principal: Principal): Promise<ProxyProviderImportResponse> {
    const provider = await this.existing(id);
    const vendor = this.vendors.of(provider);
    if (!vendor) throw ProviderErrors.noApi(id);
    let listed: VendorProxy[];
    try {
      listed = await vendor.listProxies();
    } catch (error) {
      if (error instanceof ProxyVendorError) {
        throw ProviderErrors.vendorFailed(id, error.code, error.message, error.retryAfterMs);
      }
      throw error;
    }
    const counts = await this.proxies.upsertImported(listed.map((proxy) => this.imported(provider, proxy)));
    await this.providers.markImported(id);
    this.logger.log({ msg: 'proxies imported', provider: provider.name, ...counts, by: actorOf(principal) });
    return { imported: counts.inserted, updated: counts.updated, skipped: counts.skipped };
  }

  async ranking(): Promise<ProxyProviderRankingResponse> {
    return { items: await this.providers.ranking(this.config.probeRetentionHours) };
  }

  /** Stores each provider's place in the ranking (acquisition prefers the better ranked) and answers it. */
  async storeRanking(): Promise<ProxyProviderRankingResponse> {
    const ranking = await this.ranking();
    await this.providers.storeRanks(ranking.items);
    return ranking;
  }

  private imported(provider: ProxyProviderRecord, proxy: VendorProxy): NewProxy {
    return {
      provider: provider.name,
      host: proxy.host,
      port: proxy.port,
      protocol: proxy.protocol,
      countryCode: proxy.countryCode,
      city: proxy.city,
      type: proxy.type,
      costPerHourMicros: provider.defaultCostPerHourMicros,
      costPerGbMicros: provider.defaultCostPerGbMicros,
      usernameEncrypted: this.cipher.encryptOptional(proxy.username),
      passwordEncrypted: this.cipher.encryptOptional(proxy.password),
      externalId: proxy.externalId,
    };
  }

  private async existing(id: string): Promise<ProxyProviderRecord> {
    const provider = await this.providers.findById(id);
    if (!provider) throw ProviderErrors.notFound(id);
    return provider;
  }
}

function optionalBigint(value: number | undefined): bigint | undefined {
  return value === undefined ? undefined : BigInt(value);
}
