import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { AppLogger } from '../logging/app-logger';
import { RequestContext } from '../logging/request-context';
import { createAccessLogMiddleware } from './access-log.middleware';

// The access log on a real HTTP server, read back from the logger's stream.

describe('access log', () => {
  const written: Array<Record<string, unknown>> = [];
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) written.push(JSON.parse(line));
        done();
      },
    });
    const logger = new AppLogger({
      serviceName: 'log-test',
      instanceId: 'log-test-1',
      level: 'debug',
      destination,
    });
    const log = createAccessLogMiddleware(logger);
    server = createServer((request, response) =>
      RequestContext.run({ requestId: String(request.headers['x-request-id'] ?? 'generated') }, () => {
        log(request, response, () => undefined);
        response.statusCode = Number(
          new URL(request.url ?? '/', 'http://x').searchParams.get('status') ?? 200,
        );
        logger.log({ msg: 'handled', password: 'hunter2', nested: { token: 'abc' } });
        if (request.url?.startsWith('/slow')) setTimeout(() => response.end('{}'), 300);
        else response.end('{}');
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const lineFor = async (path: string, requestId: string) => {
    await fetch(`${base}${path}`, { headers: { 'x-request-id': requestId, authorization: 'Bearer secret' } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    return written.find(
      (line) => line.msg === 'request completed' && (line.req as { id?: string })?.id === requestId,
    );
  };

  it("writes pino-http's fields with the request id, without the query string or headers", async () => {
    const line = await lineFor('/scheduler/allocations?token=one-time-secret', 'req-ok');
    expect(line).toMatchObject({
      level: 'info',
      requestId: 'req-ok',
      req: { id: 'req-ok', method: 'GET', url: '/scheduler/allocations' },
      res: { statusCode: 200 },
      responseTime: expect.any(Number),
    });
    expect(JSON.stringify(written)).not.toContain('one-time-secret');
    expect(JSON.stringify(written)).not.toContain('Bearer secret');
  });

  it('logs a 503 as a warning, another 5xx as an error, a refusal as info and probes at debug', async () => {
    expect((await lineFor('/x?status=503', 'req-503'))?.level).toBe('warn');
    expect((await lineFor('/x?status=500', 'req-500'))?.level).toBe('error');
    expect((await lineFor('/x?status=403', 'req-403'))?.level).toBe('info');
    expect((await lineFor('/health/ready', 'req-probe'))?.level).toBe('debug');
  });

  it('writes one `request aborted` line for a client that went away before the answer', async () => {
    await fetch(`${base}/slow`, {
      headers: { 'x-request-id': 'req-gone' },
      signal: AbortSignal.timeout(50),
    }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const lines = written.filter((line) => (line.req as { id?: string })?.id === 'req-gone');
    expect(lines).toEqual([
      expect.objectContaining({ msg: 'request aborted', req: expect.objectContaining({ url: '/slow' }) }),
    ]);
  });

  it('redacts credentials in any line, at the top level or one level down', () => {
    const handled = written.find((line) => line.msg === 'handled');
    expect(handled).toMatchObject({ password: '[redacted]', nested: { token: '[redacted]' } });
  });
});
