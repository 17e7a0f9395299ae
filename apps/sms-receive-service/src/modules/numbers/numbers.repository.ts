import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { findPage, type ListQuery, type Page } from '@cloudphone/shared';
import { Repository } from 'typeorm';
import { VirtualNumberEntity } from './virtual-number.entity';

@Injectable()
export class NumbersRepository {
  constructor(
    @InjectRepository(VirtualNumberEntity) private readonly numbers: Repository<VirtualNumberEntity>,
  ) {}

  list(query: ListQuery): Promise<Page<VirtualNumberEntity>> {
    return findPage(this.numbers.createQueryBuilder('virtualNumber'), query);
  }
}
