export { AppLogger } from './app-logger';
export type { AppLoggerOptions } from './app-logger';
export { RequestContext } from './request-context';
export type { RequestContextValues } from './request-context';
export { REQUEST_ID_HEADER, requestIdMiddleware } from './request-id.middleware';
