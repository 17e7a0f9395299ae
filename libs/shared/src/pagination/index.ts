export { ApiListQuery, ListQueryParam } from './list-query.decorators';
export { listQueryKeyParts, parseListQuery } from './list-query';
export type {
  FilterCondition,
  FilterOperator,
  FilterSpec,
  FilterType,
  IntegerColumnType,
  ListQuery,
  ListQuerySpec,
  SortOrder,
} from './list-query';
export { toPage } from './page';
export type { Page } from './page';
