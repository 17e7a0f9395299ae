export * from './proxy-attributes';
export * from './proxy-pool.dto';
export * from './proxy-provider.dto';
export * from './proxy-rental.dto';
export * from './proxy-reports.dto';
export { PROXY_ROUTES } from './proxy.routes';
