import { Injectable } from '@nestjs/common';
import { findPage, type ListQuery, type Page, SqlClient, TableMap } from '@cloudphone/shared';
import type { VirtualNumberRecord, VirtualNumberStatus } from './virtual-number-record';

const VIRTUAL_NUMBERS = new TableMap<VirtualNumberRecord>('virtual_numbers', {
  id: 'id',
  provider: 'provider',
  phoneNumber: 'phone_number',
  countryCode: 'country_code',
  status: 'status',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
});

@Injectable()
export class NumbersRepository {
  constructor(private readonly sql: SqlClient) {}

  list(query: ListQuery): Promise<Page<VirtualNumberRecord>> {
    return findPage(this.sql, VIRTUAL_NUMBERS, query);
  }

  /** Numbers in the pool per status and country. */
  countByStatusAndCountry(): Promise<
    Array<{ status: VirtualNumberStatus; countryCode: string; count: number }>
  > {
    return this.sql.rows(
      `SELECT status, country_code AS "countryCode", count(*)::int AS count
       FROM virtual_numbers GROUP BY status, country_code`,
    );
  }
}
