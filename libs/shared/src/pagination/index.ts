export { ApiPaginatedResponse } from './api-paginated-response.decorator';
export { ApiListQuery, ListQueryParam } from './list-query.decorators';
export { listQueryKeyParts } from './list-query';
export type { ListQuery, ListQuerySpec } from './list-query';
export type { Page } from './page';
