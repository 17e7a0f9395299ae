import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { ListQuery } from '../pagination/list-query';
import { toPage, type Page } from '../pagination/page';

/**
 * Applies a parsed list query (filters, sort, page) to a TypeORM query builder and returns the page.
 * Column names come from the endpoint's whitelist, never from the request, so nothing is injectable.
 */
export async function findPage<T extends ObjectLiteral>(
  builder: SelectQueryBuilder<T>,
  query: ListQuery,
): Promise<Page<T>> {
  const alias = builder.alias;
  query.filters.forEach((filter, index) => {
    builder.andWhere(`${alias}.${filter.column} ${filter.operator} :filter${index}`, {
      [`filter${index}`]: filter.value,
    });
  });
  query.sort.forEach((order, index) => {
    if (index === 0) builder.orderBy(`${alias}.${order.column}`, order.direction);
    else builder.addOrderBy(`${alias}.${order.column}`, order.direction);
  });
  builder.addOrderBy(`${alias}.id`, 'ASC');
  const [items, total] = await builder.skip(query.offset).take(query.limit).getManyAndCount();
  return toPage(items, total, query);
}
