export { createJsonBodyMiddleware } from './json-body.middleware';
export { RequestBodyErrors } from './request-body.errors';
