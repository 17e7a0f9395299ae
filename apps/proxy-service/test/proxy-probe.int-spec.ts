import { performance } from 'node:perf_hooks';
import { waitFor } from '@cloudphone/shared/testing';
import { Server as ProxyChainServer, type PrepareRequestFunctionOpts } from 'proxy-chain';
import { NetworkProxyProbe, type ProxyEndpoint } from '../src/integrations/proxy-probe';
import { SilentTestServer } from './support/silent-test-server';
import { Socks5TestServer } from './support/socks5-test-server';
import { TargetTestServer } from './support/target-test-server';
import { TEST_CERTIFICATE, TEST_PRIVATE_KEY } from './support/test-certificate';

// Every probe here goes over real sockets on loopback: a real HTTP proxy (proxy-chain), a small
// SOCKS5 server, and targets that count what reaches them.

const USERNAME = 'probe-user';
const PASSWORD = 's3cret-pass';
const TIMEOUT_MS = 2000;

interface SeenByProxy {
  hostname: string;
  port: number;
  isHttp: boolean;
  username: string;
}

/** A proxy-chain server that wants USERNAME/PASSWORD, recording what it was asked to open. */
async function startHttpProxy(
  seen: SeenByProxy[],
  options: { tls?: boolean } = {},
): Promise<ProxyChainServer> {
  const prepareRequestFunction = ({
    hostname,
    port,
    isHttp,
    username,
    password,
  }: PrepareRequestFunctionOpts) => {
    seen.push({ hostname, port, isHttp, username });
    return { requestAuthentication: username !== USERNAME || password !== PASSWORD };
  };
  const server = options.tls
    ? new ProxyChainServer({
        port: 0,
        host: '127.0.0.1',
        serverType: 'https',
        httpsOptions: { cert: TEST_CERTIFICATE, key: TEST_PRIVATE_KEY },
        prepareRequestFunction,
      })
    : new ProxyChainServer({ port: 0, host: '127.0.0.1', prepareRequestFunction });
  await server.listen();
  return server;
}

function endpoint(
  protocol: ProxyEndpoint['protocol'],
  port: number,
  credentials: [string, string] | null = [USERNAME, PASSWORD],
): ProxyEndpoint {
  return {
    host: '127.0.0.1',
    port,
    protocol,
    username: credentials?.[0] ?? null,
    password: credentials?.[1] ?? null,
  };
}

describe('NetworkProxyProbe over real sockets', () => {
  const probe = new NetworkProxyProbe({ extraCa: [TEST_CERTIFICATE] });
  const seenByProxy: SeenByProxy[] = [];
  const closedByProxy: number[] = [];
  let target: TargetTestServer;
  let tlsTarget: TargetTestServer;
  let ipv6Target: TargetTestServer;
  let httpProxy: ProxyChainServer;
  let socks: Socks5TestServer;

  beforeAll(async () => {
    target = await TargetTestServer.start();
    tlsTarget = await TargetTestServer.start({ tls: true });
    ipv6Target = await TargetTestServer.start({ host: '::1' });
    httpProxy = await startHttpProxy(seenByProxy);
    httpProxy.on('connectionClosed', ({ connectionId }: { connectionId: number }) =>
      closedByProxy.push(connectionId),
    );
    socks = await Socks5TestServer.start({ username: USERNAME, password: PASSWORD });
  });

  afterAll(async () => {
    await httpProxy.close(true);
    await Promise.all([target.close(), tlsTarget.close(), ipv6Target.close(), socks.close()]);
  });

  beforeEach(() => {
    target.status = 200;
    socks.dropAfterGreeting = false;
  });

  describe('through an HTTP proxy (CONNECT)', () => {
    it('reaches the target through the proxy, measures the latency and closes its connections', async () => {
      const before = { requests: target.requests.length, closed: closedByProxy.length };

      const result = await probe.probe(
        endpoint('http', httpProxy.port),
        target.url('/health?probe=1'),
        TIMEOUT_MS,
      );

      expect(result).toEqual({ ok: true, latencyMs: expect.any(Number), status: 200 });
      expect(result.latencyMs).toBeGreaterThanOrEqual(0);
      expect(result.latencyMs).toBeLessThan(TIMEOUT_MS);
      expect(target.requests.slice(before.requests)).toEqual([
        { method: 'GET', url: '/health?probe=1', host: `127.0.0.1:${target.port}` },
      ]);
      expect(seenByProxy.at(-1)).toEqual({
        hostname: '127.0.0.1',
        port: target.port,
        isHttp: false,
        username: USERNAME,
      });
      expect(httpProxy.stats.connectRequestCount).toBeGreaterThanOrEqual(1);
      await waitFor(() => closedByProxy.length > before.closed && target.openConnections === 0, {
        timeoutMs: 2000,
        intervalMs: 10,
        description: 'the proxy and the target to see the probe hang up',
      });
    });

    it('counts a 4xx from the target as a working proxy and a 5xx as a failure', async () => {
      target.status = 404;
      expect(await probe.probe(endpoint('http', httpProxy.port), target.url('/missing'), TIMEOUT_MS)).toEqual(
        {
          ok: true,
          latencyMs: expect.any(Number),
          status: 404,
        },
      );
      target.status = 503;
      expect(await probe.probe(endpoint('http', httpProxy.port), target.url('/'), TIMEOUT_MS)).toEqual({
        ok: false,
        latencyMs: expect.any(Number),
        status: 503,
        error: 'target answered 503',
      });
    });

    it('speaks TLS to an https target inside the tunnel, checking its certificate by name', async () => {
      const before = tlsTarget.requests.length;
      const result = await probe.probe(
        endpoint('http', httpProxy.port),
        tlsTarget.url('/tls', 'localhost'),
        TIMEOUT_MS,
      );
      expect(result).toMatchObject({ ok: true, status: 200 });
      expect(tlsTarget.requests.slice(before)).toEqual([
        { method: 'GET', url: '/tls', host: `localhost:${tlsTarget.port}` },
      ]);
      expect(seenByProxy.at(-1)).toMatchObject({ hostname: 'localhost', isHttp: false });

      const untrusting = await new NetworkProxyProbe().probe(
        endpoint('http', httpProxy.port),
        tlsTarget.url('/tls', 'localhost'),
        TIMEOUT_MS,
      );
      expect(untrusting).toMatchObject({ ok: false, error: expect.stringMatching(/^target TLS: /) });
    });

    it('speaks TLS to an https proxy before the CONNECT', async () => {
      const seen: SeenByProxy[] = [];
      const tlsProxy = await startHttpProxy(seen, { tls: true });
      try {
        const result = await probe.probe(
          endpoint('https', tlsProxy.port),
          target.url('/via-tls-proxy'),
          TIMEOUT_MS,
        );
        expect(result).toMatchObject({ ok: true, status: 200 });
        expect(seen).toEqual([
          { hostname: '127.0.0.1', port: target.port, isHttp: false, username: USERNAME },
        ]);
      } finally {
        await tlsProxy.close(true);
      }
    });

    it('reports a 407 for a wrong password or missing credentials, without the password', async () => {
      const before = target.requests.length;
      const wrong = await probe.probe(
        endpoint('http', httpProxy.port, [USERNAME, 'not-the-password']),
        target.url('/'),
        TIMEOUT_MS,
      );
      expect(wrong).toEqual({
        ok: false,
        latencyMs: expect.any(Number),
        error: 'proxy refused the credentials (407)',
      });
      expect(JSON.stringify(wrong)).not.toContain('not-the-password');

      const anonymous = await probe.probe(
        endpoint('http', httpProxy.port, null),
        target.url('/'),
        TIMEOUT_MS,
      );
      expect(anonymous).toMatchObject({ ok: false, error: 'proxy requires credentials (407)' });
      expect(target.requests.length).toBe(before);
    });

    it('reports a refused connection once the proxy is stopped', async () => {
      const stopped = await startHttpProxy([]);
      const port = stopped.port;
      await stopped.close(true);

      const result = await probe.probe(endpoint('http', port), target.url('/'), TIMEOUT_MS);

      expect(result).toEqual({
        ok: false,
        latencyMs: expect.any(Number),
        error: 'proxy: connection refused (ECONNREFUSED)',
      });
    });

    it('gives up on a proxy that accepts and never answers within the deadline, and hangs up', async () => {
      const silent = await SilentTestServer.start();
      try {
        const started = performance.now();
        const result = await probe.probe(endpoint('http', silent.port), target.url('/'), 300);
        const tookMs = performance.now() - started;

        expect(result).toEqual({ ok: false, latencyMs: expect.any(Number), error: 'timed out after 300 ms' });
        expect(tookMs).toBeGreaterThanOrEqual(295);
        expect(tookMs).toBeLessThan(300 + 250);
        expect(silent.accepted).toBe(1);
        await waitFor(() => silent.closedByClient === 1, {
          timeoutMs: 1000,
          intervalMs: 10,
          description: 'the probe to close its connection to the silent proxy',
        });
      } finally {
        await silent.close();
      }
    });
  });

  describe('through a SOCKS5 proxy', () => {
    it('reaches targets by IPv4 address, host name and IPv6 address, in plain HTTP and in TLS', async () => {
      const before = { connections: socks.connections, requests: socks.requests.length };
      const byIp = await probe.probe(endpoint('socks5', socks.port), target.url('/ipv4'), TIMEOUT_MS);
      const byName = await probe.probe(
        endpoint('socks5', socks.port),
        target.url('/name', 'localhost'),
        TIMEOUT_MS,
      );
      const byIpv6 = await probe.probe(endpoint('socks5', socks.port), ipv6Target.url('/ipv6'), TIMEOUT_MS);
      const overTls = await probe.probe(
        endpoint('socks5', socks.port),
        tlsTarget.url('/socks-tls', 'localhost'),
        TIMEOUT_MS,
      );

      for (const result of [byIp, byName, byIpv6, overTls]) {
        expect(result).toEqual({ ok: true, latencyMs: expect.any(Number), status: 200 });
      }
      expect(socks.connections - before.connections).toBe(4);
      expect(socks.requests.slice(before.requests)).toEqual([
        { addressType: 1, host: '127.0.0.1', port: target.port },
        { addressType: 3, host: 'localhost', port: target.port },
        { addressType: 4, host: '::1', port: ipv6Target.port },
        { addressType: 3, host: 'localhost', port: tlsTarget.port },
      ]);
      expect(target.requests.map((request) => request.url)).toEqual(
        expect.arrayContaining(['/ipv4', '/name']),
      );
      expect(ipv6Target.requests.at(-1)).toEqual({
        method: 'GET',
        url: '/ipv6',
        host: `[::1]:${ipv6Target.port}`,
      });
      expect(tlsTarget.requests.at(-1)?.url).toBe('/socks-tls');
      await waitFor(() => target.openConnections === 0 && tlsTarget.openConnections === 0, {
        timeoutMs: 2000,
        intervalMs: 10,
        description: 'the targets to see the probes hang up',
      });
    });

    it('reports refused credentials, a proxy that wants some, and a refused CONNECT', async () => {
      const before = target.requests.length;
      const wrong = await probe.probe(
        endpoint('socks5', socks.port, [USERNAME, 'not-the-password']),
        target.url('/'),
        TIMEOUT_MS,
      );
      expect(wrong).toEqual({
        ok: false,
        latencyMs: expect.any(Number),
        error: 'SOCKS5 proxy refused the credentials',
      });
      expect(JSON.stringify(wrong)).not.toContain('not-the-password');

      const anonymous = await probe.probe(endpoint('socks5', socks.port, null), target.url('/'), TIMEOUT_MS);
      expect(anonymous).toMatchObject({ ok: false, error: 'SOCKS5 proxy requires credentials' });
      expect(target.requests.length).toBe(before);

      const closedPort = new URL(`http://127.0.0.1:${await freedPort()}/`);
      const refused = await probe.probe(endpoint('socks5', socks.port), closedPort, TIMEOUT_MS);
      expect(refused).toMatchObject({
        ok: false,
        error: 'SOCKS5 CONNECT failed: connection refused by the target',
      });
    });

    it('reports a proxy that hangs up mid-handshake, one that never answers, and one that is gone', async () => {
      socks.dropAfterGreeting = true;
      const cut = await probe.probe(endpoint('socks5', socks.port), target.url('/'), TIMEOUT_MS);
      expect(cut).toMatchObject({
        ok: false,
        error: 'SOCKS5 proxy closed the connection during the handshake',
      });

      const silent = await SilentTestServer.start();
      try {
        const hung = await probe.probe(endpoint('socks5', silent.port), target.url('/'), 300);
        expect(hung).toEqual({ ok: false, latencyMs: expect.any(Number), error: 'timed out after 300 ms' });
        expect(hung.latencyMs).toBeLessThan(300 + 250);
      } finally {
        await silent.close();
      }

      const gone = await Socks5TestServer.start({ username: USERNAME, password: PASSWORD });
      await gone.close();
      const result = await probe.probe(endpoint('socks5', gone.port), target.url('/'), TIMEOUT_MS);
      expect(result).toEqual({
        ok: false,
        latencyMs: expect.any(Number),
        error: 'proxy: connection refused (ECONNREFUSED)',
      });
    });
  });

  it('refuses a target that is not http: or https: without connecting', async () => {
    const before = socks.connections;
    const result = await probe.probe(endpoint('socks5', socks.port), new URL('ftp://127.0.0.1/'), TIMEOUT_MS);
    expect(result).toEqual({ ok: false, latencyMs: 0, error: 'target must be an http: or https: URL' });
    expect(socks.connections).toBe(before);
  });
});

/** A loopback port that was free a moment ago: nothing listens there. */
async function freedPort(): Promise<number> {
  const server = await TargetTestServer.start();
  const port = server.port;
  await server.close();
  return port;
}
