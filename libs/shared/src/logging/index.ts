export { requestIdMiddleware } from './request-id.middleware';
export { ServiceContext } from './service-context';
export { AppLogger } from './app-logger';
