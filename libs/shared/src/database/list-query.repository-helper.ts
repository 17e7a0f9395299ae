import type { FilterCondition, ListQuery } from '../pagination/list-query';
import { toPage, type Page } from '../pagination/page';
import type { SqlClient } from './sql-client';
import type { TableMap } from './table-map';

/** A fixed condition every row of the list meets (e.g. the owner), with its `$n` parameters. */
export interface ListScope {
  where: string;
  parameters: unknown[];
}

/**
 * Applies a parsed list query (filters, sort, page) to the table of `map` and returns the page.
 * Filter and sort names resolve through the map, never from the request, so nothing is injectable;
 * values are bound parameters. Ties break on `id`, so pages never overlap.
 */
export async function findPage<R extends object>(
  sql: SqlClient,
  map: TableMap<R>,
  query: ListQuery,
  scope?: ListScope,
): Promise<Page<R>> {
  const parameters = [...(scope?.parameters ?? [])];
  const conditions = scope ? [`(${scope.where})`] : [];
  for (const filter of query.filters) conditions.push(filterClause(map, filter, parameters));
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  const order = [
    ...query.sort.map((term) => `${map.column(term.column)} ${term.direction}`),
    `${map.column('id')} ASC`,
  ].join(', ');
  const filtered = parameters.length;
  const [rows, [{ total }]] = await Promise.all([
    sql.rowsOnce<Record<string, unknown>>(
      `SELECT ${map.select()} FROM ${map.table} ${where} ORDER BY ${order}
       LIMIT $${filtered + 1} OFFSET $${filtered + 2}`,
      [...parameters, query.limit, query.offset],
    ),
    sql.rowsOnce<{ total: number }>(`SELECT count(*)::int AS total FROM ${map.table} ${where}`, parameters),
  ]);
  return toPage(map.decodeAll(rows), total, query);
}

/** The condition of one filter; its value (if any) is appended to `parameters`. */
function filterClause<R extends object>(
  map: TableMap<R>,
  filter: FilterCondition,
  parameters: unknown[],
): string {
  const column = map.column(filter.column);
  if (filter.operator === 'isNull') return `${column} IS ${filter.value === true ? '' : 'NOT '}NULL`;
  parameters.push(filter.value);
  return `${column} ${filter.operator} $${parameters.length}`;
}
