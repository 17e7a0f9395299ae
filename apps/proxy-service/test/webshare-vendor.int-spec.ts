import { performance } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';
import {
  createProxyVendor,
  ProxyVendorError,
  type ProxyVendor,
  type ProxyVendorErrorCode,
} from '../src/integrations/proxy-vendor';
import { TargetTestServer } from './support/target-test-server';
import { WebshareApiServer, webshareProxy } from './support/webshare-api-server';

// The Webshare driver against a local server speaking the documented API subset: paging, the
// checks on every entry, each documented failure mapped to its code, and the SSRF guard on `next`.

const API_KEY = 'ws-test-key-0123456789';
/** The timeout the time-guard test holds the driver to. */
const TIMEOUT_MS = 400;
/**
 * The other tests' timeout: what they show is the contract, not timing, and a local answer delayed
 * past 400 ms by a busy machine (two Jest workers on two cores) must not read as VENDOR_UNAVAILABLE.
 */
const CONTRACT_TIMEOUT_MS = 5_000;

/** Expects `work` to fail with a ProxyVendorError of `code`, and returns that error. */
async function vendorError(work: Promise<unknown>, code: ProxyVendorErrorCode): Promise<ProxyVendorError> {
  const error = await work.then(
    () => {
      throw new Error(`expected ${code}, but the call succeeded`);
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ProxyVendorError);
  expect((error as ProxyVendorError).code).toBe(code);
  expect((error as ProxyVendorError).message).not.toContain(API_KEY);
  return error as ProxyVendorError;
}

describe('Webshare proxy vendor against a local Webshare API', () => {
  let api: WebshareApiServer;
  let vendor: ProxyVendor;

  beforeAll(async () => {
    api = await WebshareApiServer.start(API_KEY);
    vendor = createProxyVendor({
      kind: 'webshare',
      baseUrl: api.baseUrl,
      apiKey: API_KEY,
      timeoutMs: CONTRACT_TIMEOUT_MS,
    });
    // The driver warns about the entries it leaves out; the specs assert on that, not on the log.
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await api.close();
  });

  beforeEach(() => api.reset());

  it('lists every page of the account in direct mode, with the Token header on each request', async () => {
    api.proxies = Array.from({ length: 230 }, (_, index) => webshareProxy(index + 1));

    const proxies = await vendor.listProxies();

    expect(vendor.kind).toBe('webshare');
    expect(proxies).toHaveLength(230);
    expect(proxies[0]).toEqual({
      externalId: 'd-10001',
      host: '203.0.113.1',
      port: 8001,
      protocol: 'http',
      username: 'user1',
      password: 'pass1',
      countryCode: 'US',
      city: 'New York',
      type: 'datacenter',
    });
    expect(proxies.map((proxy) => proxy.externalId)).toEqual(
      Array.from({ length: 230 }, (_, index) => `d-${10_001 + index}`),
    );
    expect(api.requests.map((request) => [request.path, request.query])).toEqual([
      ['/api/v2/proxy/list/', { mode: 'direct', page: '1', page_size: '100' }],
      ['/api/v2/proxy/list/', { mode: 'direct', page: '2', page_size: '100' }],
      ['/api/v2/proxy/list/', { mode: 'direct', page: '3', page_size: '100' }],
    ]);
    expect(api.requests.every((request) => request.authorization === `Token ${API_KEY}`)).toBe(true);
  });

  it('leaves out entries Webshare marks invalid and entries with a bad field, keeping the rest', async () => {
    api.proxies = [
      webshareProxy(1, { country_code: 'de', city_name: '', username: '', password: '' }),
      webshareProxy(2, { valid: false }),
      webshareProxy(3, { proxy_address: 'not an address!' }),
      webshareProxy(4, { proxy_address: '10.1.2.3' }),
      webshareProxy(5, { proxy_address: '127.0.0.1' }),
      webshareProxy(6, { proxy_address: null }),
      webshareProxy(7, { proxy_address: '999.1.1.1' }),
      webshareProxy(8, { port: 0 }),
      webshareProxy(9, { port: 70_000 }),
      webshareProxy(10, { port: '8080' }),
      webshareProxy(11, { country_code: 'USA' }),
      webshareProxy(12, { country_code: '1A' }),
      webshareProxy(13, { id: undefined }),
      webshareProxy(14, { username: 'line\r\nbreak' }),
      'not an object',
      webshareProxy(15, { proxy_address: 'proxy-7.example.net', city_name: null }),
      webshareProxy(16, { proxy_address: '2001:db8::7' }),
      webshareProxy(1, { port: 9999 }),
    ];

    const proxies = await vendor.listProxies();

    expect(proxies).toEqual([
      expect.objectContaining({
        externalId: 'd-10001',
        port: 8001,
        countryCode: 'DE',
        city: null,
        username: null,
        password: null,
      }),
      expect.objectContaining({ externalId: 'd-10015', host: 'proxy-7.example.net', city: null }),
      expect.objectContaining({ externalId: 'd-10016', host: '2001:db8::7' }),
    ]);
    const warning = String(jest.mocked(Logger.prototype.warn).mock.calls.at(-1)?.[0]);
    expect(warning).toContain('Left out 13 malformed Webshare proxies');
    expect(warning).not.toContain('pass');
  });

  it('maps a 401 to VENDOR_AUTH_FAILED with Webshare’s reason, and never sends a missing key', async () => {
    const wrongKey = createProxyVendor({
      kind: 'webshare',
      baseUrl: api.baseUrl,
      apiKey: 'wrong-key',
      timeoutMs: CONTRACT_TIMEOUT_MS,
    });
    const error = await vendorError(wrongKey.listProxies(), 'VENDOR_AUTH_FAILED');
    expect(error.message).toBe('Webshare refused the API key (401: Invalid token.)');

    const before = api.requests.length;
    const noKey = createProxyVendor({
      kind: 'webshare',
      baseUrl: api.baseUrl,
      apiKey: '',
      timeoutMs: CONTRACT_TIMEOUT_MS,
    });
    await vendorError(noKey.listProxies(), 'VENDOR_AUTH_FAILED');
    expect(api.requests.length).toBe(before);
  });

  it('maps a 429 to VENDOR_RATE_LIMITED with Retry-After in seconds or as a date', async () => {
    api.fault = {
      kind: 'status',
      status: 429,
      detail: 'Request was throttled. Expected available in 7 seconds.',
      headers: { 'Retry-After': '7' },
    };
    const inSeconds = await vendorError(vendor.listProxies(), 'VENDOR_RATE_LIMITED');
    expect(inSeconds.retryAfterMs).toBe(7000);
    expect(inSeconds.message).toContain('Request was throttled');

    api.fault = {
      kind: 'status',
      status: 429,
      headers: { 'Retry-After': new Date(Date.now() + 60_000).toUTCString() },
    };
    const asDate = await vendorError(vendor.listProxies(), 'VENDOR_RATE_LIMITED');
    expect(asDate.retryAfterMs).toBeGreaterThan(55_000);
    expect(asDate.retryAfterMs).toBeLessThanOrEqual(60_000);

    api.fault = { kind: 'status', status: 429 };
    expect((await vendorError(vendor.listProxies(), 'VENDOR_RATE_LIMITED')).retryAfterMs).toBeUndefined();
  });

  it('maps a 5xx, even after good pages, to VENDOR_UNAVAILABLE rather than a partial list', async () => {
    api.proxies = Array.from({ length: 150 }, (_, index) => webshareProxy(index + 1));
    api.fault = { kind: 'status', status: 502, page: 2 };
    const error = await vendorError(vendor.listProxies(), 'VENDOR_UNAVAILABLE');
    expect(error.message).toBe('Webshare answered 502');
    expect(api.requests).toHaveLength(2);
  });

  it('maps a body that is not JSON, JSON of another shape or an oversized body to VENDOR_BAD_RESPONSE', async () => {
    api.fault = { kind: 'garbage' };
    await vendorError(vendor.listProxies(), 'VENDOR_BAD_RESPONSE');
    api.fault = { kind: 'wrong-shape' };
    const error = await vendorError(vendor.listProxies(), 'VENDOR_BAD_RESPONSE');
    expect(error.message).toContain('results is not a list');
    api.fault = { kind: 'oversized', bytes: 5 * 1024 * 1024 };
    const oversized = await vendorError(vendor.listProxies(), 'VENDOR_BAD_RESPONSE');
    expect(oversized.message).toBe('Webshare answered an oversized body');
  });

  it('refuses a next link or a redirect to another origin without requesting it', async () => {
    const elsewhere = await TargetTestServer.start();
    try {
      api.proxies = [webshareProxy(1)];
      api.fault = { kind: 'next', next: elsewhere.url('/api/v2/proxy/list/?page=2').href };
      const error = await vendorError(vendor.listProxies(), 'VENDOR_BAD_RESPONSE');
      expect(error.message).toContain('not followed');

      api.fault = { kind: 'status', status: 302, headers: { Location: elsewhere.url('/steal').href } };
      await vendorError(vendor.listProxies(), 'VENDOR_BAD_RESPONSE');
      expect(elsewhere.requests).toEqual([]);
    } finally {
      await elsewhere.close();
    }
  });

  it('stops an endless list after 100 pages, and a next link back to a page already read', async () => {
    api.proxies = [webshareProxy(1)];
    api.fault = { kind: 'endless' };
    const error = await vendorError(vendor.listProxies(), 'VENDOR_BAD_RESPONSE');
    expect(error.message).toBe('Webshare listed more than 100 pages');
    expect(api.requests).toHaveLength(100);

    api.fault = { kind: 'next', next: `${api.baseUrl}/api/v2/proxy/list/?mode=direct&page=1&page_size=100` };
    const loop = await vendorError(vendor.listProxies(), 'VENDOR_BAD_RESPONSE');
    expect(loop.message).toBe('Webshare answered a next link to a page already read');
  });

  it('gives up on an API that does not answer within the timeout, or cannot be reached', async () => {
    api.fault = { kind: 'hang' };
    const impatient = createProxyVendor({
      kind: 'webshare',
      baseUrl: api.baseUrl,
      apiKey: API_KEY,
      timeoutMs: TIMEOUT_MS,
    });
    const started = performance.now();
    const error = await vendorError(impatient.listProxies(), 'VENDOR_UNAVAILABLE');
    expect(error.message).toBe(`Webshare did not answer within ${TIMEOUT_MS} ms`);
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 300);

    const closed = await TargetTestServer.start();
    const baseUrl = closed.url('/').origin;
    await closed.close();
    const unreachable = createProxyVendor({
      kind: 'webshare',
      baseUrl,
      apiKey: API_KEY,
      timeoutMs: CONTRACT_TIMEOUT_MS,
    });
    const refused = await vendorError(unreachable.listProxies(), 'VENDOR_UNAVAILABLE');
    expect(refused.message).toBe('Webshare could not be reached (ECONNREFUSED)');
  });

  it('stops when the caller aborts, with the caller’s reason', async () => {
    api.fault = { kind: 'hang' };
    const controller = new AbortController();
    const listing = vendor.listProxies(controller.signal);
    setTimeout(() => controller.abort(new Error('shutting down')), 20);
    await expect(listing).rejects.toThrow('shutting down');
  });

  it('tests the key with the profile endpoint', async () => {
    expect(await vendor.test()).toEqual({ ok: true, latencyMs: expect.any(Number) });
    expect(api.requests.map((request) => request.path)).toEqual(['/api/v2/profile/']);

    const wrongKey = createProxyVendor({
      kind: 'webshare',
      baseUrl: api.baseUrl,
      apiKey: 'wrong-key',
      timeoutMs: CONTRACT_TIMEOUT_MS,
    });
    expect(await wrongKey.test()).toEqual({
      ok: false,
      latencyMs: expect.any(Number),
      error: 'VENDOR_AUTH_FAILED: Webshare refused the API key (401: Invalid token.)',
    });
  });

  it('reports no per-proxy traffic: Webshare meters the account', async () => {
    expect(await vendor.trafficBytes('d-10001', new Date(0), new Date())).toBeNull();
  });
});
