export { createJsonBodyMiddleware, JSON_BODY_DEFAULTS } from './json-body.middleware';
export type { JsonBodyOptions } from './json-body.middleware';
export { measureJson } from './json-shape';
export type { JsonShape } from './json-shape';
export { RequestBodyErrors } from './request-body.errors';
