import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { findPage, type ListQuery, type Page } from '@cloudphone/shared';
import { Repository } from 'typeorm';
import { ProxyEntity, type ProxyStatus } from './proxy.entity';

@Injectable()
export class ProxiesRepository {
  constructor(@InjectRepository(ProxyEntity) private readonly proxies: Repository<ProxyEntity>) {}

  list(query: ListQuery): Promise<Page<ProxyEntity>> {
    return findPage(this.proxies.createQueryBuilder('proxy'), query);
  }

  /** Proxies per status and country, with their average quality score. */
  summarizeByStatusAndCountry(): Promise<
    Array<{ status: ProxyStatus; countryCode: string; count: number; averageQuality: number }>
  > {
    return this.proxies
      .createQueryBuilder('proxy')
      .select('proxy.status', 'status')
      .addSelect('proxy.country_code', 'countryCode')
      .addSelect('count(*)::int', 'count')
      .addSelect('avg(proxy.quality_score)::float8', 'averageQuality')
      .groupBy('proxy.status')
      .addGroupBy('proxy.country_code')
      .getRawMany();
  }
}
