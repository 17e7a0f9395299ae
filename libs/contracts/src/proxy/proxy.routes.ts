/**
 * proxy-service paths, relative to its base URL. The replaced platform's paths where it had the
 * same operation (shared/replaced-platform-routes.md). Single-segment GETs (`available`, `pricing`,
 * `pool`, `usage-history`) are declared before `proxy/:id`, which only matches a uuid.
 */
export const PROXY_ROUTES = {
  /** GET: free proxies per country and type, with the price (any user). */
  available: 'proxy/available',
  /** GET: the price per hour and per GB by country and type (any user). */
  pricing: 'proxy/pricing',
  /** POST: rent a proxy by requirements, optionally bound to one of the user's allocations. */
  acquire: 'proxy/acquire',
  /** POST: end a rental (its renter, an admin or a service); a second release answers the ended rental. */
  release: 'proxy/release/:id',
  /** POST: end 1–100 rentals, one result per item. */
  batchRelease: 'proxy/batch/release',
  /** GET: the caller's rentals, newest first (an admin or a service: anyone's, `?userId=`). */
  usageHistory: 'proxy/usage-history',
  /** GET: one rental with its proxy and credentials (renter, admin, service). */
  rental: 'proxy/:id',
  /** POST: keep the same exit longer (renter, admin, service). */
  renew: 'proxy/:id/renew',
  /** GET: a rental's duration, traffic and charge so far. */
  rentalUsage: 'proxy/:id/usage',
  /** GET (admin, service): the pool, paginated and filtered; POST (admin): add a proxy. */
  pool: 'proxy/pool',
  /** GET (admin, service), PUT (admin): one proxy; DELETE (admin): retire it. */
  poolProxy: 'proxy/pool/:id',
  /** POST (admin): probe one proxy now, through the network or its simulated vendor. */
  test: 'proxy/test/:id',
  /** GET (admin, service): providers; POST (admin): add one. */
  providers: 'proxy/providers',
  /** GET (admin, service): providers best first (provider-ranking). */
  providersRanking: 'proxy/providers/ranking',
  /** GET (admin, service), PUT, DELETE (admin): one provider. */
  provider: 'proxy/providers/:id',
  /** POST (admin): call the provider's API with its credentials. */
  providerTest: 'proxy/providers/:id/test',
  /** PATCH (admin): enable or disable a provider (a disabled one rents nothing). */
  providerToggle: 'proxy/providers/:id/toggle',
  /** POST (admin): import the provider's proxies (upsert by the vendor's id). */
  providerImport: 'proxy/providers/:id/import',
  /** GET (admin, service): spend per provider today and over the last 7 days. */
  costStats: 'proxy/cost/stats',
  /** GET (admin, service): spend per provider per UTC day between `from` and `to`. */
  costReport: 'proxy/cost/report',
  /** GET (admin, service): proxies per state (available, assigned, quarantined, retired). */
  poolStats: 'proxy/stats/pool',
  /** GET (admin, service): proxies per quality-score band. */
  qualityDistribution: 'proxy/quality/distribution',
  /** GET (admin, service): alerts raised by the jobs, newest first. */
  alerts: 'proxy/alerts',
  /** POST (admin): mark an alert seen, or resolved. */
  alertAcknowledge: 'proxy/alerts/:id/acknowledge',
  alertResolve: 'proxy/alerts/:id/resolve',
} as const;
