import { Injectable } from '@nestjs/common';
import type { ListQuery, Page } from '@cloudphone/shared';
import type { ProxyRecord } from './proxy-record';
import { ProxiesRepository } from './proxies.repository';

@Injectable()
export class ProxiesService {
  constructor(private readonly proxies: ProxiesRepository) {}

  list(query: ListQuery): Promise<Page<ProxyRecord>> {
    return this.proxies.list(query);
  }
}
