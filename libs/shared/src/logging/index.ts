export { requestIdMiddleware } from './request-id.middleware';
