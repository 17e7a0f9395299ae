import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, getSchemaPath } from '@nestjs/swagger';
import { PageResponseFields } from '@cloudphone/contracts';

/**
 * Documents a list endpoint's 200 answer, `{items, page, limit, total, totalPages}` with `items`
 * of the given DTO: a generic Page<T> has no schema of its own, so the envelope's fields and the
 * item schema are combined here.
 */
export function ApiPaginatedResponse(item: Type<unknown>) {
  return applyDecorators(
    ApiExtraModels(PageResponseFields, item),
    ApiOkResponse({
      description: `One page of ${item.name}`,
      schema: {
        allOf: [
          { $ref: getSchemaPath(PageResponseFields) },
          {
            type: 'object',
            required: ['items'],
            properties: { items: { type: 'array', items: { $ref: getSchemaPath(item) } } },
          },
        ],
      },
    }),
  );
}
