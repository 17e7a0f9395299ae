/** proxy-service paths, relative to its base URL. */
export const PROXY_ROUTES = {
  proxies: 'proxies',
} as const;
