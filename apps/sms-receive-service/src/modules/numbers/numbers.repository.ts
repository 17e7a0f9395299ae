import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { findPage, type ListQuery, type Page } from '@cloudphone/shared';
import { Repository } from 'typeorm';
import { VirtualNumberEntity, type VirtualNumberStatus } from './virtual-number.entity';

@Injectable()
export class NumbersRepository {
  constructor(
    @InjectRepository(VirtualNumberEntity) private readonly numbers: Repository<VirtualNumberEntity>,
  ) {}

  list(query: ListQuery): Promise<Page<VirtualNumberEntity>> {
    return findPage(this.numbers.createQueryBuilder('virtualNumber'), query);
  }

  /** Numbers in the pool per status and country. */
  countByStatusAndCountry(): Promise<
    Array<{ status: VirtualNumberStatus; countryCode: string; count: number }>
  > {
    return this.numbers
      .createQueryBuilder('virtualNumber')
      .select('virtualNumber.status', 'status')
      .addSelect('virtualNumber.country_code', 'countryCode')
      .addSelect('count(*)::int', 'count')
      .groupBy('virtualNumber.status')
      .addGroupBy('virtualNumber.country_code')
      .getRawMany();
  }
}
