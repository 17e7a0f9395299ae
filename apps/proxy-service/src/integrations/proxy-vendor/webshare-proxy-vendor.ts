import { Logger } from '@nestjs/common';
import { networkCode, parseJson, readBoundedText, retryAfterMs } from '@cloudphone/shared';
import { performance } from 'node:perf_hooks';
import type { ProxyVendor, VendorProxy } from './proxy-vendor';
import { ProxyVendorError } from './proxy-vendor.error';
import { parseWebshareProxyPage } from './webshare-proxy-list';

export interface WebshareProxyVendorOptions {
  /** Where Webshare's API is, e.g. https://proxy.webshare.io (a path prefix is kept). */
  baseUrl: string;
  apiKey: string;
  /** Limit for each request, from sending it to the last byte of its answer. */
  timeoutMs: number;
}

const LIST_PATH = '/api/v2/proxy/list/';
const PROFILE_PATH = '/api/v2/profile/';
/** A hundred proxies a page: few requests against Webshare's rate limit, answers of ~30 kB. */
const PAGE_SIZE = 100;
/** 10,000 proxies: far beyond an account we would run, so more pages means a paging loop. */
const MAX_PAGES = 100;
/** A page of 100 proxies is about 30 kB; a body this large is not a proxy list. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;
/** A Retry-After beyond a day is taken as a day: a caller should look again by then. */
const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;
/** What can go in the Authorization header: printable ASCII, no spaces. */
const API_KEY = /^[\x21-\x7e]{1,512}$/;

/**
 * Webshare's REST API v2 (apidocs.webshare.io): the account's proxies in direct mode, a profile
 * call as the credentials check. Requests carry `Authorization: Token <key>`, never follow
 * redirects, and only go to the configured origin, whatever `next` links the answers contain.
 */
export class WebshareProxyVendor implements ProxyVendor {
  readonly kind = 'webshare';
  private readonly logger = new Logger(WebshareProxyVendor.name);
  private readonly base: URL;
  /** The base URL's path without its trailing slash ('' for an origin), for the API paths to follow. */
  private readonly basePath: string;

  constructor(private readonly options: WebshareProxyVendorOptions) {
    const base = new URL(options.baseUrl);
    if (!['http:', 'https:'].includes(base.protocol) || base.username || base.password || base.search) {
      throw new RangeError('baseUrl must be an http(s) URL without credentials or query');
    }
    if (!Number.isSafeInteger(options.timeoutMs) || options.timeoutMs <= 0) {
      throw new RangeError('timeoutMs must be a positive integer');
    }
    base.hash = '';
    this.base = base;
    this.basePath = base.pathname.replace(/\/+$/, '');
  }

  async listProxies(signal?: AbortSignal): Promise<VendorProxy[]> {
    const proxies = new Map<string, VendorProxy>();
    const refused: string[] = [];
    const visited = new Set<string>();
    let url: URL | null = this.url(LIST_PATH);
    url.search = new URLSearchParams({ mode: 'direct', page: '1', page_size: String(PAGE_SIZE) }).toString();
    while (url !== null) {
      if (visited.size === MAX_PAGES) {
        throw new ProxyVendorError('VENDOR_BAD_RESPONSE', `Webshare listed more than ${MAX_PAGES} pages`);
      }
      visited.add(url.href);
      const page = parseWebshareProxyPage(await this.getJson(url, signal));
      // Pages can shift while we read them (proxies replaced meanwhile): the first sighting wins.
      for (const proxy of page.proxies) {
        if (!proxies.has(proxy.externalId)) proxies.set(proxy.externalId, proxy);
      }
      refused.push(...page.refused);
      url = page.next === null ? null : this.nextPage(page.next, visited);
    }
    if (refused.length > 0) {
      this.logger.warn(
        `Left out ${refused.length} malformed Webshare proxies: ${refused.slice(0, 5).join('; ')}` +
          (refused.length > 5 ? '; …' : ''),
      );
    }
    return [...proxies.values()];
  }

  async test(): Promise<{ ok: boolean; latencyMs: number; error?: string }> {
    const started = performance.now();
    const latencyMs = () => Math.round(performance.now() - started);
    try {
      const profile = await this.getJson(this.url(PROFILE_PATH));
      if (typeof profile !== 'object' || profile === null || Array.isArray(profile)) {
        throw new ProxyVendorError('VENDOR_BAD_RESPONSE', 'Webshare answered an unexpected profile');
      }
      return { ok: true, latencyMs: latencyMs() };
    } catch (error) {
      const reason = error instanceof ProxyVendorError ? `${error.code}: ${error.message}` : String(error);
      return { ok: false, latencyMs: latencyMs(), error: reason };
    }
  }

  /** Webshare meters bandwidth per account (and per sub-user), not per proxy: nothing to report. */
  async trafficBytes(_externalId: string, _from: Date, _to: Date): Promise<null> {
    return null;
  }

  private url(path: string): URL {
    const url = new URL(this.base.href);
    url.pathname = `${this.basePath}${path}`;
    return url;
  }

  /**
   * The `next` link, followed only to the list endpoint of the configured origin: an answer must not
   * be able to point our API key, or our requests, anywhere else (SSRF), nor send us round in a loop.
   */
  private nextPage(next: string, visited: ReadonlySet<string>): URL {
    const list = this.url(LIST_PATH);
    let url: URL;
    try {
      url = new URL(next, list);
    } catch {
      throw new ProxyVendorError('VENDOR_BAD_RESPONSE', 'Webshare answered a next link that is not a URL');
    }
    if (url.origin !== list.origin || url.pathname !== list.pathname) {
      throw new ProxyVendorError(
        'VENDOR_BAD_RESPONSE',
        `Webshare answered a next link outside ${list.origin}${list.pathname}; not followed`,
      );
    }
    if (visited.has(url.href)) {
      throw new ProxyVendorError(
        'VENDOR_BAD_RESPONSE',
        'Webshare answered a next link to a page already read',
      );
    }
    return url;
  }

  /** GETs `url` within the timeout and returns its JSON, or throws the ProxyVendorError it means. */
  private async getJson(url: URL, signal?: AbortSignal): Promise<unknown> {
    // A provider saved without a key is an ordinary state, not a crash: its calls fail like a bad key.
    if (!API_KEY.test(this.options.apiKey)) {
      throw new ProxyVendorError('VENDOR_AUTH_FAILED', 'No usable Webshare API key is configured');
    }
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), this.options.timeoutMs);
    let status: number;
    let retryAfter: string | null;
    let text: string | null;
    try {
      const response = await fetch(url, {
        headers: { Authorization: `Token ${this.options.apiKey}`, Accept: 'application/json' },
        redirect: 'manual',
        signal: signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal,
      });
      status = response.status;
      retryAfter = response.headers.get('retry-after');
      text = await readBoundedText(response, MAX_BODY_BYTES);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (timeout.signal.aborted) {
        throw new ProxyVendorError(
          'VENDOR_UNAVAILABLE',
          `Webshare did not answer within ${this.options.timeoutMs} ms`,
        );
      }
      throw new ProxyVendorError(
        'VENDOR_UNAVAILABLE',
        `Webshare could not be reached (${networkCode(error)})`,
      );
    } finally {
      clearTimeout(timer);
    }
    if (text === null)
      throw new ProxyVendorError('VENDOR_BAD_RESPONSE', 'Webshare answered an oversized body');
    const body = parseJson(text);
    if (status === 200) {
      if (body === undefined) {
        throw new ProxyVendorError('VENDOR_BAD_RESPONSE', 'Webshare answered something not JSON');
      }
      return body;
    }
    throw statusError(status, body, retryAfter);
  }
}

/**
 * A non-200 answer as Webshare's API (Django REST framework) gives them: 401 (`{"detail": "Invalid
 * token."}`) and 403 are about the key; 429 is its throttling, with Retry-After; 5xx its outage.
 * Anything else (a redirect, 400, 404) means we and the API disagree: not worth retrying blindly.
 */
function statusError(status: number, body: unknown, retryAfter: string | null): ProxyVendorError {
  const detail = detailOf(body);
  const said = detail ? `: ${detail}` : '';
  if (status === 401 || status === 403) {
    return new ProxyVendorError('VENDOR_AUTH_FAILED', `Webshare refused the API key (${status}${said})`);
  }
  if (status === 429) {
    return new ProxyVendorError(
      'VENDOR_RATE_LIMITED',
      `Webshare rate-limited us (429${said})`,
      retryAfterMs(retryAfter, MAX_RETRY_AFTER_MS),
    );
  }
  if (status >= 500) return new ProxyVendorError('VENDOR_UNAVAILABLE', `Webshare answered ${status}`);
  return new ProxyVendorError('VENDOR_BAD_RESPONSE', `Webshare answered ${status}${said}`);
}

/** Webshare's (Django REST framework's) `detail`, trimmed: it goes into logs and API answers. */
function detailOf(body: unknown): string | null {
  const detail = (body as { detail?: unknown } | null)?.detail;
  return typeof detail === 'string' ? detail.replace(/\p{Cc}/gu, ' ').slice(0, 120) : null;
}
