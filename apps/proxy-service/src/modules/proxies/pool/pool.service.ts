import { Injectable, Logger } from '@nestjs/common';
import type { CreateProxyRequest, ProxyResponse, UpdateProxyRequest } from '@cloudphone/contracts';
import {
  actorOf,
  type ListQuery,
  type Page,
  type Principal,
  TransactionRunner,
  CredentialsCipher,
} from '@cloudphone/shared';
import { ProvidersRepository } from '../providers/providers.repository';
import { RentalEnding } from '../rentals/rental-ending.service';
import { RentalsRepository } from '../rentals/rentals.repository';
import { PoolErrors } from './pool.errors';
import { type PoolCensusRow, ProxiesRepository } from './proxies.repository';
import { proxyResponse } from './proxy-response.mapper';

/** An acquire can take a proxy between two tries only by racing each one; three lost races mean load. */
const RETIRE_ATTEMPTS = 3;

/** Admin operations on the pool: list, add by hand, change, retire. */
@Injectable()
export class PoolService {
  private readonly logger = new Logger(PoolService.name);

  constructor(
    private readonly proxies: ProxiesRepository,
    private readonly providers: ProvidersRepository,
    private readonly rentals: RentalEnding,
    private readonly rentalsRead: RentalsRepository,
    private readonly transactions: TransactionRunner,
    private readonly cipher: CredentialsCipher,
  ) {}

  async list(query: ListQuery): Promise<Page<ProxyResponse>> {
    const page = await this.proxies.list(query);
    const now = new Date();
    return { ...page, items: page.items.map((proxy) => proxyResponse(proxy, now)) };
  }

  /** The pool per state and country with average quality, and the live rentals (metrics). */
  async census(): Promise<{ rows: PoolCensusRow[]; liveRentals: number }> {
    const [rows, liveRentals] = await Promise.all([
      this.proxies.countByStateAndCountry(),
      this.rentalsRead.countLive(),
    ]);
    return { rows, liveRentals };
  }

  async get(id: string): Promise<ProxyResponse> {
    const proxy = await this.proxies.findById(id);
    if (!proxy) throw PoolErrors.notFound(id);
    return proxyResponse(proxy);
  }

  /** Adds a proxy; costs it leaves out are its provider's defaults. */
  async create(request: CreateProxyRequest, principal: Principal): Promise<ProxyResponse> {
    const provider = await this.providers.findByName(request.provider);
    if (!provider) throw PoolErrors.unknownProvider(request.provider);
    const outcome = await this.proxies.insert({
      provider: provider.name,
      host: request.host,
      port: request.port,
      protocol: request.protocol,
      countryCode: request.countryCode,
      city: request.city ?? null,
      type: request.type,
      costPerHourMicros: BigInt(request.costPerHourMicros ?? provider.defaultCostPerHourMicros),
      costPerGbMicros: BigInt(request.costPerGbMicros ?? provider.defaultCostPerGbMicros),
      usernameEncrypted: this.cipher.encryptOptional(request.username),
      passwordEncrypted: this.cipher.encryptOptional(request.password),
      externalId: null,
    });
    if ('refused' in outcome) {
      if (outcome.refused === 'unknown_provider') throw PoolErrors.unknownProvider(request.provider);
      throw PoolErrors.duplicate(request.provider, request.host, request.port);
    }
    this.logger.log({
      msg: 'proxy added',
      proxyId: outcome.inserted.id,
      provider: provider.name,
      by: actorOf(principal),
    });
    return proxyResponse(outcome.inserted);
  }

  async update(id: string, request: UpdateProxyRequest): Promise<ProxyResponse> {
    if (Object.values(request).every((value) => value === undefined)) throw PoolErrors.emptyUpdate();
    const updated = await this.proxies.update(id, {
      city: request.city,
      costPerHourMicros:
        request.costPerHourMicros === undefined ? undefined : BigInt(request.costPerHourMicros),
      costPerGbMicros: request.costPerGbMicros === undefined ? undefined : BigInt(request.costPerGbMicros),
      usernameEncrypted: request.username === undefined ? undefined : this.cipher.encrypt(request.username),
      passwordEncrypted: request.password === undefined ? undefined : this.cipher.encrypt(request.password),
    });
    if (updated) return proxyResponse(updated);
    const existing = await this.proxies.findById(id);
    throw existing ? PoolErrors.retired(id) : PoolErrors.notFound(id);
  }

  /**
   * Retires a proxy for good, ending its live rental first (a compromised exit must go now). The
   * ending and the retirement share a transaction, and the ending holds the proxy's row lock from
   * then on, so no acquire takes it in between; an acquire that got in before is ended in turn.
   */
  async retire(id: string, principal: Principal): Promise<ProxyResponse> {
    for (let attempt = 1; attempt <= RETIRE_ATTEMPTS; attempt++) {
      const retired = await this.transactions.run(async () => {
        await this.rentals.endForProxy(id, 'proxy_retired');
        return this.proxies.retireIfFree(id);
      });
      if (retired) {
        this.logger.log({ msg: 'proxy retired', proxyId: id, by: actorOf(principal) });
        return proxyResponse(retired);
      }
      const current = await this.proxies.findById(id);
      if (!current) throw PoolErrors.notFound(id);
      if (current.status === 'retired') return proxyResponse(current);
    }
    throw PoolErrors.busy(id);
  }
}
