import { applyDecorators, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import type { Request } from 'express';
import { type FilterSpec, parseListQuery, type ListQuerySpec } from './list-query';

/** Injects the parsed, validated list query for a route: `list(@ListQueryParam(SPEC) query: ListQuery)`. */
export const ListQueryParam = createParamDecorator((spec: ListQuerySpec, context: ExecutionContext) =>
  parseListQuery(context.switchToHttp().getRequest<Request>().query as Record<string, unknown>, spec),
);

/** Documents a list endpoint's page, limit, sort and filter parameters in OpenAPI. */
export function ApiListQuery(spec: ListQuerySpec) {
  return applyDecorators(
    ApiQuery({ name: 'page', required: false, type: Number, description: '1-based page number' }),
    ApiQuery({ name: 'limit', required: false, type: Number, description: `1 to ${spec.maxLimit ?? 100}` }),
    ApiQuery({
      name: 'sort',
      required: false,
      type: String,
      description: `Comma-separated; prefix with - or suffix :desc for descending. Fields: ${Object.keys(spec.sortable).join(', ')}. Default ${spec.defaultSort}`,
    }),
    ...Object.entries(spec.filters ?? {}).map(([name, filter]) =>
      ApiQuery({
        name,
        required: false,
        type: String,
        enum: filter.values ? [...filter.values] : undefined,
        description: describeFilterParameter(filter),
      }),
    ),
  );
}

function describeFilterParameter(filter: FilterSpec): string {
  if (filter.operator === 'isNull')
    return `true: only rows without ${filter.column}; false: only rows with it`;
  return `${filter.type} filter${filter.operator && filter.operator !== '=' ? ` (${filter.operator})` : ''}`;
}
