import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';

/** A request as the scripted server received it. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** performance.now() when the request arrived, to measure spacing between attempts. */
  receivedAt: number;
}

/** What to do with one request. */
export type ScriptedReply =
  | { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number }
  /** Never answer (until the client gives up or the server closes). */
  | { hang: true }
  /** Close the connection without an answer. */
  | { destroy: true };

export type ScriptedHandler = (request: RecordedRequest, index: number) => ScriptedReply;

/**
 * A real HTTP server on 127.0.0.1 (a free port) answering as the test scripts it, recording every
 * request: for testing HTTP clients against failures a real callee would produce.
 */
export class ScriptedHttpServer {
  readonly requests: RecordedRequest[] = [];
  private readonly pending = new Set<ServerResponse>();
  private readonly delayed = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: Server,
    private handler: ScriptedHandler,
    readonly url: string,
  ) {}

  static async start(handler: ScriptedHandler): Promise<ScriptedHttpServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('Scripted server has no port');
    const instance = new ScriptedHttpServer(server, handler, `http://127.0.0.1:${address.port}`);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => instance.reply(request, Buffer.concat(chunks).toString('utf8'), response));
    });
    return instance;
  }

  /** Replaces the script and forgets the recorded requests. */
  script(handler: ScriptedHandler): void {
    this.handler = handler;
    this.requests.length = 0;
  }

  async close(): Promise<void> {
    for (const timer of this.delayed) clearTimeout(timer);
    for (const response of this.pending) response.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private reply(
    request: { method?: string; url?: string; headers: IncomingHttpHeaders },
    body: string,
    response: ServerResponse,
  ): void {
    const recorded: RecordedRequest = {
      method: request.method ?? '',
      url: request.url ?? '',
      headers: request.headers,
      body,
      receivedAt: performance.now(),
    };
    this.requests.push(recorded);
    const reply = this.handler(recorded, this.requests.length - 1);
    if ('hang' in reply) {
      this.pending.add(response);
      response.on('close', () => this.pending.delete(response));
      return;
    }
    if ('destroy' in reply) {
      response.socket?.destroy();
      return;
    }
    const send = () => {
      if (response.destroyed) return;
      const payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
      response.writeHead(reply.status, {
        ...(payload ? { 'content-type': 'application/json' } : {}),
        ...reply.headers,
      });
      response.end(payload);
    };
    if (!reply.delayMs) return send();
    const timer = setTimeout(() => {
      this.delayed.delete(timer);
      send();
    }, reply.delayMs);
    this.delayed.add(timer);
  }
}
