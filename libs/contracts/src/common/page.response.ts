import { ApiProperty } from '@nestjs/swagger';

/** The envelope every list endpoint answers with. */
export interface PageResponse<T> {
  items: T[];
  page: number;
  limit: number;
  total: number;
  totalPages: number;
}

/**
 * The envelope's fields besides `items`, as an OpenAPI schema: ApiPaginatedResponse combines it
 * with the item schema of each list endpoint (a generic class has no schema of its own).
 */
export class PageResponseFields {
  @ApiProperty({ minimum: 1, description: '1-based page number' })
  page!: number;

  @ApiProperty({ minimum: 1, description: 'Items per page asked for' })
  limit!: number;

  @ApiProperty({ minimum: 0, description: 'Items matching the filters, on every page' })
  total!: number;

  @ApiProperty({ minimum: 0 })
  totalPages!: number;
}
