import { Injectable } from '@nestjs/common';
import type { ListQuery, Page } from '@cloudphone/shared';
import type { ProxyEntity } from './proxy.entity';
import { ProxiesRepository } from './proxies.repository';

@Injectable()
export class ProxiesService {
  constructor(private readonly proxies: ProxiesRepository) {}

  list(query: ListQuery): Promise<Page<ProxyEntity>> {
    return this.proxies.list(query);
  }
}
