import { Injectable } from '@nestjs/common';
import type { ListQuery, Page } from '@cloudphone/shared';
import type { VirtualNumberRecord } from './virtual-number-record';
import { NumbersRepository } from './numbers.repository';

@Injectable()
export class NumbersService {
  constructor(private readonly numbers: NumbersRepository) {}

  list(query: ListQuery): Promise<Page<VirtualNumberRecord>> {
    return this.numbers.list(query);
  }
}
