import {
  PROXY_ROUTES,
  type ProxyProviderResponse,
  type ProxyResponse,
  SERVICE_CATALOG,
} from '@cloudphone/contracts';
import { InProcessService, uniqueTestId } from '@cloudphone/shared/testing';
import { AppModule } from '../src/app.module';
import { ProxyServiceConfig } from '../src/config/proxy-service.config';

/** proxy-service in the test's process, its `proxy.#` events recorded (see InProcessService). */
export function startProxyService(env: Record<string, string> = {}): Promise<InProcessService> {
  return InProcessService.start({
    service: SERVICE_CATALOG.proxy.name,
    configClass: ProxyServiceConfig,
    rootModule: (config) => AppModule.forRoot(config),
    observe: 'proxy.#',
    env,
  });
}

/** A provider and `count` proxies of it in `countryCode`, all added through the admin API. */
export async function seedProxies(
  app: InProcessService,
  count: number,
  options: { countryCode?: string; provider?: string; type?: string; costPerHourMicros?: number } = {},
): Promise<{ provider: ProxyProviderResponse; proxies: ProxyResponse[] }> {
  const name = options.provider ?? uniqueTestId('manual').slice(0, 60);
  const created = await app.admin.post(PROXY_ROUTES.providers, { name, kind: 'manual' });
  const provider = (
    created.status === 201
      ? created.body
      : ((await app.admin.get(PROXY_ROUTES.providers).expect(200)).body as ProxyProviderResponse[]).find(
          (candidate) => candidate.name === name,
        )
  ) as ProxyProviderResponse;
  const proxies: ProxyResponse[] = [];
  for (let index = 0; index < count; index++) {
    const answer = await app.admin
      .post(PROXY_ROUTES.pool, {
        provider: name,
        host: `198.51.100.${(index % 250) + 1}`,
        port: 10_000 + index,
        protocol: 'http',
        countryCode: options.countryCode ?? 'DE',
        type: options.type ?? 'datacenter',
        username: `user-${index}`,
        password: `secret-${index}`,
        costPerHourMicros: options.costPerHourMicros ?? 1_000_000,
        costPerGbMicros: 400_000_000,
      })
      .expect(201);
    proxies.push(answer.body as ProxyResponse);
  }
  return { provider, proxies };
}
