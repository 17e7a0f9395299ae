import type { IncomingMessage, ServerResponse } from 'node:http';
import { type TrackedHttpServer, trackedHttpServer } from '@cloudphone/shared/testing';

/** A request as the fake API received it. */
export interface WebshareApiRequest {
  path: string;
  query: Record<string, string>;
  authorization: string | null;
}

/**
 * What the fake API does instead of answering normally, on every list page or only on `page`:
 * a status with Webshare's (Django REST framework's) `{"detail": ...}` body and optional headers,
 * a body that is not JSON, JSON of another shape, a body of `bytes` spaces (sent in chunks, with no
 * length announced), a `next` link of the test's choosing, a `next` on every page (an endless
 * list), or no answer at all.
 */
export type WebshareFault = { page?: number } & (
  | { kind: 'status'; status: number; detail?: string; headers?: Record<string, string> }
  | { kind: 'garbage' }
  | { kind: 'wrong-shape' }
  | { kind: 'oversized'; bytes: number }
  | { kind: 'next'; next: string }
  | { kind: 'endless' }
  | { kind: 'hang' }
);

const LIST_PATH = '/api/v2/proxy/list/';
const PROFILE_PATH = '/api/v2/profile/';

/**
 * A local HTTP server speaking the part of Webshare's API v2 the vendor driver uses, as documented:
 * `GET /api/v2/proxy/list/?mode=direct&page=&page_size=` (pages of `{count, next, previous,
 * results}` with absolute `next`/`previous` links, 404 `{"detail": "Invalid page."}` past the end)
 * and `GET /api/v2/profile/`, both behind `Authorization: Token <key>` (401 `{"detail": "Invalid
 * token."}` otherwise). `proxies` are served as given, so a test can put malformed entries in.
 */
export class WebshareApiServer {
  readonly requests: WebshareApiRequest[] = [];
  proxies: unknown[] = [];
  fault: WebshareFault | null = null;
  readonly baseUrl: string;

  private constructor(
    private readonly http: TrackedHttpServer,
    private readonly apiKey: string,
  ) {
    this.baseUrl = http.baseUrl;
  }

  static async start(apiKey: string): Promise<WebshareApiServer> {
    const http = await trackedHttpServer();
    const api = new WebshareApiServer(http, apiKey);
    http.server.on('request', (request: IncomingMessage, response: ServerResponse) =>
      api.handle(request, response),
    );
    return api;
  }

  /** Forgets the recorded requests, the proxies and any fault. */
  reset(): void {
    this.requests.length = 0;
    this.proxies = [];
    this.fault = null;
  }

  close(): Promise<void> {
    return this.http.close();
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', this.baseUrl);
    this.requests.push({
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: request.headers.authorization ?? null,
    });
    if (request.method !== 'GET')
      return send(response, 405, { detail: `Method "${request.method}" not allowed.` });
    if (request.headers.authorization !== `Token ${this.apiKey}`) {
      return send(response, 401, { detail: 'Invalid token.' }, { 'WWW-Authenticate': 'Token' });
    }
    if (url.pathname === PROFILE_PATH) {
      return send(response, 200, { id: 1, email: 'ops@example.com', first_name: '', last_name: '' });
    }
    if (url.pathname !== LIST_PATH) return send(response, 404, { detail: 'Not found.' });
    this.list(url, response);
  }

  private list(url: URL, response: ServerResponse): void {
    if (url.searchParams.get('mode') !== 'direct') return send(response, 400, { mode: ['Invalid mode.'] });
    const page = Number(url.searchParams.get('page') ?? '1');
    const pageSize = Math.min(100, Number(url.searchParams.get('page_size') ?? '25'));
    const fault =
      this.fault && (this.fault.page === undefined || this.fault.page === page) ? this.fault : null;
    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'status')
      return send(response, fault.status, { detail: fault.detail ?? 'Error.' }, fault.headers);
    if (fault?.kind === 'garbage') {
      response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"count": 3, "results": [');
      return;
    }
    if (fault?.kind === 'wrong-shape') return send(response, 200, { count: 1, next: null, results: 'none' });
    if (fault?.kind === 'oversized') {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, ' ');
      for (let sent = 0; sent < fault.bytes; sent += chunk.length) response.write(chunk);
      response.end();
      return;
    }

    // An endless list serves its first page again under every number.
    const pages =
      fault?.kind === 'endless' ? Infinity : Math.max(1, Math.ceil(this.proxies.length / pageSize));
    if (!Number.isInteger(page) || page < 1 || page > pages)
      return send(response, 404, { detail: 'Invalid page.' });
    const link = (target: number) =>
      `${this.baseUrl}${LIST_PATH}?mode=direct&page=${target}&page_size=${pageSize}`;
    const first = fault?.kind === 'endless' ? 0 : (page - 1) * pageSize;
    let next = page < pages ? link(page + 1) : null;
    if (fault?.kind === 'next') next = fault.next;
    if (fault?.kind === 'endless') next = link(page + 1);
    send(response, 200, {
      count: this.proxies.length,
      next,
      previous: page > 1 ? link(page - 1) : null,
      results: this.proxies.slice(first, first + pageSize),
    });
  }
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));
}

/** A proxy entry as Webshare's documentation shows one, numbered `n`, with fields overridden. */
export function webshareProxy(n: number, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: `d-${10_000 + n}`,
    username: `user${n}`,
    password: `pass${n}`,
    proxy_address: `203.0.113.${n % 250}`,
    port: 8000 + n,
    valid: true,
    last_verification: '2024-06-01T10:00:00.000000-07:00',
    country_code: 'US',
    city_name: 'New York',
    created_at: '2024-05-01T10:00:00.000000-07:00',
    ...fields,
  };
}
