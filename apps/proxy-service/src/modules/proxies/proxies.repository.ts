import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { findPage, type ListQuery, type Page } from '@cloudphone/shared';
import { Repository } from 'typeorm';
import { ProxyEntity } from './proxy.entity';

@Injectable()
export class ProxiesRepository {
  constructor(@InjectRepository(ProxyEntity) private readonly proxies: Repository<ProxyEntity>) {}

  list(query: ListQuery): Promise<Page<ProxyEntity>> {
    return findPage(this.proxies.createQueryBuilder('proxy'), query);
  }
}
