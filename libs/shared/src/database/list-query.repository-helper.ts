import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { FilterCondition, ListQuery } from '../pagination/list-query';
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
    const { sql, parameters } = filterClause(alias, filter, `filter${index}`);
    builder.andWhere(sql, parameters);
  });
  query.sort.forEach((order, index) => {
    if (index === 0) builder.orderBy(`${alias}.${order.column}`, order.direction);
    else builder.addOrderBy(`${alias}.${order.column}`, order.direction);
  });
  builder.addOrderBy(`${alias}.id`, 'ASC');
  const [items, total] = await builder.skip(query.offset).take(query.limit).getManyAndCount();
  return toPage(items, total, query);
}

/**
 * The WHERE condition of one filter, with the value bound as `:<parameter>`; `isNull` filters bind
 * nothing (their boolean picks IS NULL or IS NOT NULL).
 */
export function filterClause(
  alias: string,
  filter: FilterCondition,
  parameter: string,
): { sql: string; parameters: Record<string, unknown> } {
  const column = `${alias}.${filter.column}`;
  if (filter.operator === 'isNull')
    return { sql: `${column} IS ${filter.value === true ? '' : 'NOT '}NULL`, parameters: {} };
  return { sql: `${column} ${filter.operator} :${parameter}`, parameters: { [parameter]: filter.value } };
}
