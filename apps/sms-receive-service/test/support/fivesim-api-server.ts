import type { IncomingMessage, ServerResponse } from 'node:http';
import { type TrackedHttpServer, trackedHttpServer } from '@cloudphone/shared/testing';

/** A request as the fake API received it. */
export interface FivesimApiRequest {
  path: string;
  query: Record<string, string>;
  authorization: string | null;
  /** Date.now() on arrival, to tell polls of one tick from polls of the next. */
  receivedAt: number;
}

/** An order as the fake keeps it: 5sim's order JSON, served as is (tests may put odd values in). */
export interface FivesimFakeOrder {
  id: number;
  phone: unknown;
  operator: string;
  product: string;
  price: unknown;
  status: string;
  expires: string;
  sms: Array<Record<string, unknown>>;
  created_at: string;
  forwarding: boolean;
  forwarding_number: string;
  country: string;
}

/** One operator's offer in the price list, as `GET /v1/guest/prices` shows it. */
export interface FivesimOffer {
  cost: number;
  count: number;
  rate?: number;
}

/**
 * What the fake API does instead of answering normally, on every request or only on paths starting
 * with `path`: a status with a body and headers, a plain-text answer (5sim's refusals), a body that
 * is not JSON, JSON of another shape, a body of `bytes` spaces (in chunks, no length announced), or
 * no answer at all.
 */
export type FivesimFault = { path?: string } & (
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  | { kind: 'text'; status: number; text: string }
  | { kind: 'garbage' }
  | { kind: 'json'; body: unknown }
  | { kind: 'oversized'; bytes: number }
  | { kind: 'hang' }
);

const LIFETIME_MS = 15 * 60_000;
const FIRST_ORDER_ID = 530_000_001;

/**
 * A local HTTP server speaking the part of 5sim's API v1 the vendor driver uses, as documented:
 * `GET /v1/user/buy/activation/{country}/{operator}/{product}`, `/v1/user/check|finish|cancel|ban/{id}`,
 * `/v1/user/profile` (all behind `Authorization: Bearer <key>`, a bare 401 otherwise) and the public
 * `GET /v1/guest/prices?country=&product=`. Orders live in memory; buying takes the price from the
 * balance, cancel and ban give it back. Refusals are plain text as 5sim sends them ("no free phones"
 * with 200, "not enough user balance" and the order ones with 400).
 */
export class FivesimApiServer {
  readonly requests: FivesimApiRequest[] = [];
  readonly orders = new Map<number, FivesimFakeOrder>();
  /** country → product → operator → offer. */
  prices: Record<string, Record<string, Record<string, FivesimOffer>>> = {};
  balance = 0;
  /** Fields laid over the next orders bought, e.g. an odd `phone` or `price`. */
  orderFields: Record<string, unknown> = {};
  fault: FivesimFault | null = null;
  readonly baseUrl: string;
  private nextId = FIRST_ORDER_ID;

  private constructor(
    private readonly http: TrackedHttpServer,
    private readonly apiKey: string,
  ) {
    this.baseUrl = http.baseUrl;
  }

  static async start(apiKey: string): Promise<FivesimApiServer> {
    const http = await trackedHttpServer();
    const api = new FivesimApiServer(http, apiKey);
    http.server.on('request', (request: IncomingMessage, response: ServerResponse) =>
      api.handle(request, response),
    );
    return api;
  }

  /** Forgets requests, orders, prices, overrides and any fault; the balance starts at 100 roubles. */
  reset(): void {
    this.requests.length = 0;
    this.orders.clear();
    this.prices = {};
    this.balance = 100;
    this.orderFields = {};
    this.fault = null;
  }

  close(): Promise<void> {
    return this.http.close();
  }

  /** An SMS arriving for the order, as 5sim records it; the order turns RECEIVED. */
  pushSms(id: number, sms: { sender: string; text: string; code?: string; date?: string }): void {
    const order = this.order(id);
    const now = new Date().toISOString();
    order.sms.push({
      created_at: now,
      date: sms.date ?? now,
      sender: sms.sender,
      text: sms.text,
      code: sms.code ?? '',
    });
    order.status = 'RECEIVED';
  }

  /** The order running out at 5sim: TIMEOUT, its price given back. */
  expire(id: number): void {
    const order = this.order(id);
    order.status = 'TIMEOUT';
    order.expires = new Date(Date.now() - 1000).toISOString();
    this.balance += Number(order.price);
  }

  order(id: number): FivesimFakeOrder {
    const order = this.orders.get(id);
    if (!order) throw new Error(`no order ${id}`);
    return order;
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', this.baseUrl);
    this.requests.push({
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: request.headers.authorization ?? null,
      receivedAt: Date.now(),
    });
    const fault = this.fault && url.pathname.startsWith(this.fault.path ?? '') ? this.fault : null;
    if (fault) return answerFault(fault, response);
    if (request.method !== 'GET') return text(response, 405, 'method not allowed');
    if (url.pathname === '/v1/guest/prices') return this.priceList(url, response);
    if (request.headers.authorization !== `Bearer ${this.apiKey}`) {
      return void response.writeHead(401).end();
    }
    const buy = /^\/v1\/user\/buy\/activation\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (buy) return this.buy(buy[1], buy[2], buy[3], response);
    const action = /^\/v1\/user\/(check|finish|cancel|ban)\/(\d+)$/.exec(url.pathname);
    if (action) return this.act(action[1], Number(action[2]), response);
    if (url.pathname === '/v1/user/profile') {
      return json(response, {
        id: 1,
        email: 'ops@example.com',
        vendor: 'demo',
        default_forwarding_number: '',
        balance: this.balance,
        rating: 96,
        default_country: { name: 'england', iso: 'gb', prefix: '+44' },
        default_operator: { name: '' },
        frozen_balance: 0,
      });
    }
    text(response, 404, 'page not found');
  }

  private priceList(url: URL, response: ServerResponse): void {
    const country = url.searchParams.get('country') ?? '';
    const product = url.searchParams.get('product') ?? '';
    if (!(country in this.prices)) return text(response, 400, 'bad country');
    const offers = this.prices[country][product];
    json(response, { [country]: offers === undefined ? {} : { [product]: offers } });
  }

  private buy(country: string, operator: string, product: string, response: ServerResponse): void {
    if (!(country in this.prices)) return text(response, 400, 'bad country');
    const offers = Object.entries(this.prices[country][product] ?? {})
      .filter(([name, offer]) => offer.count > 0 && (operator === 'any' || name === operator))
      .sort(([, a], [, b]) => a.cost - b.cost);
    if (offers.length === 0) return text(response, 200, 'no free phones');
    const [name, offer] = offers[0];
    if (this.balance < offer.cost) return text(response, 400, 'not enough user balance');
    this.balance -= offer.cost;
    offer.count -= 1;
    const id = this.nextId++;
    const created = Date.now();
    const order: FivesimFakeOrder = {
      id,
      phone: `+447700900${String(id % 1000).padStart(3, '0')}`,
      operator: name,
      product,
      price: offer.cost,
      status: 'PENDING',
      expires: new Date(created + LIFETIME_MS).toISOString(),
      sms: [],
      created_at: new Date(created).toISOString(),
      forwarding: false,
      forwarding_number: '',
      country,
      ...this.orderFields,
    };
    this.orders.set(id, order);
    json(response, order);
  }

  /** check shows any order; the others act on an open one, refusing as 5sim does otherwise. */
  private act(action: string, id: number, response: ServerResponse): void {
    const order = this.orders.get(id);
    if (!order) return text(response, 404, 'order not found');
    if (action === 'check') return json(response, order);
    if (order.status === 'TIMEOUT') return text(response, 400, 'order expired');
    if (!['PENDING', 'RECEIVED'].includes(order.status)) return text(response, 400, 'order not found');
    if (action === 'finish' && order.sms.length === 0) return text(response, 400, 'order no sms');
    if (action === 'cancel' && order.sms.length > 0) return text(response, 400, 'order has sms');
    order.status = { finish: 'FINISHED', cancel: 'CANCELED', ban: 'BANNED' }[action] ?? order.status;
    if (action !== 'finish') this.balance += Number(order.price);
    json(response, order);
  }
}

function answerFault(fault: FivesimFault, response: ServerResponse): void {
  switch (fault.kind) {
    case 'hang':
      return;
    case 'status':
      return void response.writeHead(fault.status, fault.headers).end(fault.body ?? '');
    case 'text':
      return text(response, fault.status, fault.text);
    case 'garbage':
      return void response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"id": 5, "phone": ');
    case 'json':
      return json(response, fault.body);
    case 'oversized': {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, ' ');
      for (let sent = 0; sent < fault.bytes; sent += chunk.length) response.write(chunk);
      response.end();
    }
  }
}

function json(response: ServerResponse, body: unknown): void {
  response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

function text(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(body);
}
