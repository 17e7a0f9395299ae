import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, request } from 'undici';

/** One webhook request: the body is sent as given (it was signed as these exact bytes). */
export interface WebhookHttpRequest {
  url: URL;
  headers: Record<string, string>;
  body: string;
}

/** How a request went, in the terms the channel classifies (never an exception). */
export type WebhookHttpAnswer =
  | { kind: 'response'; status: number; retryAfter: string | null }
  | { kind: 'timeout' }
  /** The host is, or resolved to, an address `refuseAddress` refused: nothing was sent. */
  | { kind: 'refused-address'; reason: string }
  | { kind: 'network'; code: string };

export interface WebhookHttpSenderOptions {
  /** Deadline of the whole request: connect, send, answer and the bounded body read. */
  timeoutMs: number;
  /** Why no connection may go to this IP address (SSRF guard); null allows it. */
  refuseAddress: (address: string) => string | null;
  /** Response body bytes read (then dropped); a longer body is cut off. */
  maxResponseBytes?: number;
}

const DEFAULT_MAX_RESPONSE_BYTES = 4096;
const REFUSED_ADDRESS = 'EWEBHOOKADDRESS';

/**
 * POSTs webhooks with undici on an agent of its own. Redirects are never followed (undici's request
 * does not; maxRedirections 0 says so). The SSRF guard sits in the agent's DNS lookup: every
 * address a host name resolves to is checked, and the socket connects to an address from that same
 * lookup, so there is no second resolution a rebinding DNS server could answer differently. Literal
 * IP hosts skip the lookup in Node, so they are checked before the request. Keep-alive connections
 * are reused only for the origin they were opened (and checked) for.
 */
export class WebhookHttpSender {
  private readonly agent: Agent;
  private readonly maxResponseBytes: number;

  constructor(private readonly options: WebhookHttpSenderOptions) {
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.agent = new Agent({
      connect: { lookup: checkedLookup(options.refuseAddress), timeout: options.timeoutMs },
      keepAliveTimeout: 10_000,
      keepAliveMaxTimeout: 60_000,
      maxRedirections: 0,
    });
  }

  async post(webhook: WebhookHttpRequest): Promise<WebhookHttpAnswer> {
    const literal = literalAddress(webhook.url.hostname);
    const refused = literal === null ? null : this.options.refuseAddress(literal);
    if (refused !== null) return { kind: 'refused-address', reason: refused };
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    let response: Awaited<ReturnType<typeof request>>;
    try {
      response = await request(webhook.url, {
        method: 'POST',
        headers: webhook.headers,
        body: webhook.body,
        dispatcher: this.agent,
        signal,
        maxRedirections: 0,
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
      });
    } catch (error) {
      return failureAnswer(error, signal);
    }
    // The status decides; a body that stalls or breaks after it changes nothing (the receiver
    // answered), it only costs the connection.
    await discardBounded(response.body, this.maxResponseBytes).catch(() => response.body.destroy());
    const retryAfter = response.headers['retry-after'];
    return {
      kind: 'response',
      status: response.statusCode,
      retryAfter: (Array.isArray(retryAfter) ? retryAfter[0] : retryAfter) ?? null,
    };
  }

  /** Closes the pooled connections (Nest calls it when the app stops). */
  async onApplicationShutdown(): Promise<void> {
    await this.agent.close();
  }
}

/** dns.lookup, refusing the host when any address it resolves to is refused. */
function checkedLookup(refuseAddress: (address: string) => string | null): LookupFunction {
  return (hostname, options: LookupOptions, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      // Any refused address refuses the host: a name mixing public and internal addresses is a trap.
      for (const { address } of addresses) {
        const reason = refuseAddress(address);
        if (reason !== null) return callback(refusedAddressError(hostname, reason), '', 0);
      }
      if (options.all) return callback(null, addresses);
      const [first] = addresses;
      return first ? callback(null, first.address, first.family) : callback(new Error('no address'), '', 0);
    });
  };
}

function refusedAddressError(hostname: string, reason: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${hostname} resolves to a refused address (${reason})`), {
    code: REFUSED_ADDRESS,
    reason,
  });
}

function literalAddress(hostname: string): string | null {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return isIP(host) === 0 ? null : host;
}

/** Reads at most `maxBytes` of the body and drops it; a longer body is cut off (its socket closed). */
async function discardBounded(body: AsyncIterable<Buffer> & { destroy(): unknown }, maxBytes: number) {
  let total = 0;
  for await (const chunk of body) {
    total += chunk.length;
    if (total > maxBytes) {
      body.destroy();
      return;
    }
  }
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

function failureAnswer(error: unknown, signal: AbortSignal): WebhookHttpAnswer {
  for (let cause: unknown = error, depth = 0; cause && depth < 5; cause = (cause as Error).cause, depth++) {
    const { code, reason } = cause as { code?: unknown; reason?: unknown };
    if (code === REFUSED_ADDRESS) return { kind: 'refused-address', reason: String(reason) };
    if (typeof code === 'string' && TIMEOUT_CODES.has(code)) return { kind: 'timeout' };
  }
  if (signal.aborted) return { kind: 'timeout' };
  const code = (error as { code?: unknown } | null)?.code;
  const causeCode = ((error as Error | null)?.cause as { code?: unknown } | undefined)?.code;
  const name = typeof code === 'string' ? code : typeof causeCode === 'string' ? causeCode : 'network error';
  return { kind: 'network', code: name };
}
