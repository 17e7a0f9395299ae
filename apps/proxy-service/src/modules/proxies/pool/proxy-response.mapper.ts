import type { ProxyPoolState, ProxyResponse } from '@cloudphone/contracts';
import type { ProxyRecord } from './proxy-record';

/** The pool state: the status, except that a proxy in quarantine shows as quarantined. */
export function poolStateOf(proxy: ProxyRecord, now: Date): ProxyPoolState {
  if (proxy.status !== 'retired' && proxy.quarantinedUntil !== null && proxy.quarantinedUntil > now) {
    return 'quarantined';
  }
  return proxy.status;
}

/** The admin view of a proxy: never its credentials, only whether it has them. */
export function proxyResponse(proxy: ProxyRecord, now = new Date()): ProxyResponse {
  return {
    id: proxy.id,
    provider: proxy.provider,
    host: proxy.host,
    port: proxy.port,
    protocol: proxy.protocol,
    countryCode: proxy.countryCode,
    city: proxy.city,
    type: proxy.type,
    status: proxy.status,
    state: poolStateOf(proxy, now),
    qualityScore: proxy.qualityScore,
    costPerHourMicros: proxy.costPerHourMicros.toString(),
    costPerGbMicros: proxy.costPerGbMicros.toString(),
    hasCredentials: proxy.usernameEncrypted !== null || proxy.passwordEncrypted !== null,
    externalId: proxy.externalId,
    consecutiveFailures: proxy.consecutiveFailures,
    quarantinedUntil: proxy.quarantinedUntil?.toISOString() ?? null,
    lastProbeAt: proxy.lastProbeAt?.toISOString() ?? null,
    lastProbeOk: proxy.lastProbeOk,
    lastLatencyMs: proxy.lastLatencyMs,
    createdAt: proxy.createdAt.toISOString(),
    updatedAt: proxy.updatedAt.toISOString(),
  };
}
