import { createServer } from 'node:net';
import { ScriptedHttpServer } from '@cloudphone/shared/testing';
import { WebhookHttpSender } from './webhook-http.sender';

// The sender against a real HTTP server on 127.0.0.1: no redirects, the deadline, the bounded body,
// and the SSRF guard in its DNS lookup (a host name resolving to loopback is refused before connecting).
describe('WebhookHttpSender (real HTTP on 127.0.0.1)', () => {
  let server: ScriptedHttpServer;
  const senders: WebhookHttpSender[] = [];
  const sender = (refuseAddress: (address: string) => string | null = () => null, timeoutMs = 2000) => {
    const created = new WebhookHttpSender({ timeoutMs, refuseAddress, maxResponseBytes: 1024 });
    senders.push(created);
    return created;
  };
  const post = (target: WebhookHttpSender, url: string, body = '{"a":1}') =>
    target.post({
      url: new URL(url),
      body,
      headers: { 'content-type': 'application/json', 'x-test': 'yes' },
    });
  const loopbackRefused = (address: string) =>
    address.startsWith('127.') || address === '::1' ? 'loopback' : null;

  beforeAll(async () => {
    server = await ScriptedHttpServer.start(() => ({ status: 204 }));
  });
  afterAll(async () => {
    await Promise.all(senders.map((created) => created.onApplicationShutdown()));
    await server.close();
  });

  it('POSTs the body and headers as given and reports the status', async () => {
    server.script(() => ({ status: 202, body: { ok: true } }));
    expect(await post(sender(), `${server.url}/hook?x=1`, '{"exact": "bytes"}')).toEqual({
      kind: 'response',
      status: 202,
      retryAfter: null,
    });
    expect(server.requests).toEqual([
      expect.objectContaining({ method: 'POST', url: '/hook?x=1', body: '{"exact": "bytes"}' }),
    ]);
    expect(server.requests[0]?.headers).toMatchObject({
      'content-type': 'application/json',
      'x-test': 'yes',
    });
  });

  it('does not follow a redirect', async () => {
    server.script((request) =>
      request.url === '/moved'
        ? { status: 302, headers: { location: `${server.url}/elsewhere` } }
        : { status: 200 },
    );
    expect(await post(sender(), `${server.url}/moved`)).toMatchObject({ kind: 'response', status: 302 });
    expect(server.requests.map((request) => request.url)).toEqual(['/moved']);
  });

  it('passes Retry-After on', async () => {
    server.script(() => ({ status: 429, headers: { 'retry-after': '7' } }));
    expect(await post(sender(), server.url)).toEqual({ kind: 'response', status: 429, retryAfter: '7' });
  });

  it('reads at most the bound of a large body and still reports the status', async () => {
    server.script(() => ({ status: 500, body: 'x'.repeat(1_000_000) }));
    expect(await post(sender(), server.url)).toMatchObject({ kind: 'response', status: 500 });
  });

  it('gives up at the deadline', async () => {
    server.script(() => ({ hang: true }));
    const started = Date.now();
    expect(
      await post(
        sender(() => null, 300),
        server.url,
      ),
    ).toEqual({ kind: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('reports a refused connection or a dropped one as a network failure', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await post(sender(), `http://127.0.0.1:${port}/`)).toEqual({
      kind: 'network',
      code: 'ECONNREFUSED',
    });

    server.script(() => ({ destroy: true }));
    expect(await post(sender(), server.url)).toMatchObject({ kind: 'network' });
  });

  it('refuses a host name that resolves to a refused address, sending nothing', async () => {
    server.script(() => ({ status: 200 }));
    const port = new URL(server.url).port;
    const guarded = sender(loopbackRefused);
    expect(await post(guarded, `http://localhost:${port}/`)).toEqual({
      kind: 'refused-address',
      reason: 'loopback',
    });
    expect(await post(guarded, `http://127.0.0.1:${port}/`)).toEqual({
      kind: 'refused-address',
      reason: 'loopback',
    });
    expect(await post(guarded, `http://[::1]:${port}/`)).toEqual({
      kind: 'refused-address',
      reason: 'loopback',
    });
    expect(server.requests).toEqual([]);
    // The same host is reached once the guard allows it.
    expect(await post(sender(), `http://localhost:${port}/`)).toMatchObject({
      kind: 'response',
      status: 200,
    });
  });
});
