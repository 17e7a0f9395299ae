import type { AddressInfo } from 'node:net';
import { Controller, type INestApplication, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Public } from '../auth/public.decorator';
import { TokenService } from '../auth/token.service';
import { InfrastructureModule } from '../bootstrap/infrastructure.module';
import { PlatformServiceConfig } from '../bootstrap/platform-service.config';
import { loadConfig } from '../config/config-loader';
import { requestIdMiddleware } from '../logging/request-id.middleware';
import { MetricsService } from '../metrics/metrics.service';
import { ScriptedHttpServer } from '../testing/scripted-http-server';
import { createTestSecrets, serviceEnvironment } from '../testing/service-environment';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import type { HttpClient } from './http-client';
import { HttpClientRegistry } from './http-client.registry';
import { ServiceClient } from './service-client';

// The registry as an app gets it: injected from InfrastructureModule.forRoot, configured from the
// environment, and a typed client built on it (as an app's src/integrations/<kind>/ module does)
// called inside a real request (request id) with the real service token.

class CallerConfig extends PlatformServiceConfig {
  readonly serviceName = 'device-service';
}

const PEER = 'peer-service';

/** A typed client of a made-up peer: one strict read. */
class PeerClient extends ServiceClient {
  constructor(http: HttpClient, metrics: MetricsService) {
    super(http, metrics);
  }

  status(): Promise<{ ok: boolean }> {
    return this.strictCall('peer.status', () => this.http.get<{ ok: boolean }>('status'));
  }
}

@Controller('probe')
class PeerProbeController {
  constructor(private readonly peer: PeerClient) {}

  @Public()
  @Post()
  check(): Promise<{ ok: boolean }> {
    return this.peer.status();
  }
}

describe('HttpClientModule wired by InfrastructureModule.forRoot', () => {
  const secrets = createTestSecrets();
  let database: TestDatabase;
  let peer: ScriptedHttpServer;
  let app: INestApplication;
  let appUrl: string;

  beforeAll(async () => {
    database = await createTestDatabase('device-service', { migrate: false });
    peer = await ScriptedHttpServer.start(() => ({ status: 200, body: {} }));
    const config = loadConfig(
      CallerConfig,
      serviceEnvironment({
        databaseUrl: database.url,
        secrets,
        overrides: {
          HTTP_CLIENT_MAX_RETRIES: '1',
          HTTP_CLIENT_BACKOFF_BASE_MS: '5',
        },
      }),
    );
    app = await NestFactory.create(
      {
        module: class CallerAppModule {},
        imports: [
          InfrastructureModule.forRoot({ config }),
          {
            module: class PeerProbeModule {},
            controllers: [PeerProbeController],
            providers: [
              {
                provide: PeerClient,
                inject: [HttpClientRegistry, MetricsService],
                useFactory: (registry: HttpClientRegistry, metrics: MetricsService) =>
                  new PeerClient(registry.client({ name: PEER, baseUrl: peer.url }), metrics),
              },
            ],
          },
        ],
      },
      { logger: false },
    );
    app.use(requestIdMiddleware);
    await app.listen(0, '127.0.0.1');
    appUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app?.close();
    await peer?.close();
    await database?.drop();
  });

  it('injects one registry, configured from the environment, whose clients are shared per target', () => {
    const registry = app.get(HttpClientRegistry);
    const client = registry.client({ name: PEER, baseUrl: peer.url });
    expect(client.baseUrl).toBe(`${peer.url}/`);
    expect(client.policy.maxRetries).toBe(1);
    expect(registry.client({ name: PEER, baseUrl: `${peer.url}/` })).toBe(client);
    expect(() => registry.client({ name: PEER, baseUrl: 'http://127.0.0.1:1' })).toThrow(/another base URL/);
  });

  it('calls the target with the service token and the incoming request id', async () => {
    peer.script(() => ({ status: 200, body: { ok: true } }));

    const response = await fetch(`${appUrl}/probe`, {
      method: 'POST',
      headers: { 'x-request-id': 'wiring-req-1' },
    });

    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ ok: true });
    expect(peer.requests).toHaveLength(1);
    const [received] = peer.requests;
    expect(received.url).toBe('/status');
    expect(received.headers['x-request-id']).toBe('wiring-req-1');
    const token = /^Bearer (.+)$/.exec(received.headers.authorization ?? '')?.[1] ?? '';
    const verifier = new TokenService(secrets.jwtSecret, secrets.serviceTokenSecret, PEER);
    expect(verifier.verify(token)).toEqual({ kind: 'service', service: 'device-service' });
  });

  it('answers 503 DEPENDENCY_UNAVAILABLE when the target of a strict call fails', async () => {
    peer.script(() => ({ status: 503, body: { code: 'NOT_READY', message: 'starting' } }));

    const response = await fetch(`${appUrl}/probe`, {
      method: 'POST',
      headers: { 'x-request-id': 'wiring-req-2' },
    });

    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      code: 'DEPENDENCY_UNAVAILABLE',
      details: { dependency: PEER, operation: 'peer.status', reason: 'server_error' },
      requestId: 'wiring-req-2',
    });
    expect(peer.requests).toHaveLength(2);

    const metrics = await (await fetch(`${appUrl}/metrics`)).text();
    expect(metrics).toMatch(
      /cloudphone_http_client_requests_total\{[^}]*target="peer-service"[^}]*outcome="server_error"/,
    );
    expect(metrics).toMatch(/cloudphone_http_client_degraded_calls_total\{[^}]*result="denied"/);
    expect(metrics).toMatch(/cloudphone_http_client_circuit_state\{[^}]*target="peer-service"[^}]*\} 0/);
  });
});
