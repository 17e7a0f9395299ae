import { Injectable } from '@nestjs/common';
import type { ListQuery, Page } from '@cloudphone/shared';
import type { VirtualNumberEntity } from './virtual-number.entity';
import { NumbersRepository } from './numbers.repository';

@Injectable()
export class NumbersService {
  constructor(private readonly numbers: NumbersRepository) {}

  list(query: ListQuery): Promise<Page<VirtualNumberEntity>> {
    return this.numbers.list(query);
  }
}
