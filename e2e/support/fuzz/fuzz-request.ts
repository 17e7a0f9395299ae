import { Agent, request as httpRequest } from 'node:http';
import type { FuzzRoute } from './openapi-routes';

/** JSON text sent as is where a value goes (`NaN`, `1e309`, `-0`, nesting deeper than the stack). */
export class RawJson {
  constructor(readonly text: string) {}
}

export type Caller = 'admin' | 'user' | 'service' | 'none';

/** One request of the fuzz run, before it is encoded: what the generator and the shrinker work on. */
export interface FuzzCase {
  route: FuzzRoute;
  /** What was made hostile, for the failure report. */
  label: string;
  caller: Caller;
  /** Path parameters, unencoded (the encoder keeps NUL, `/` and lone surrogates as bytes). */
  pathValues: Record<string, string>;
  /** Query pairs, unencoded; a name may repeat. */
  query: Array<[string, string]>;
  /** Appended to the query string exactly as written (`a[b]=1`, `%zz`). */
  rawQuery?: string;
  headers: Record<string, string>;
  body?: { json: unknown } | { bytes: Buffer };
}

export interface WireRequest {
  method: string;
  /** Path and query, percent-encoded. */
  target: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface WireResponse {
  status: number;
  contentType: string;
  text: string;
}

/** Turns a case into bytes: the token for its caller, the JSON body serialised, everything encoded. */
export function toWire(fuzzCase: FuzzCase, token: (caller: Caller) => string | undefined): WireRequest {
  let path = fuzzCase.route.path;
  for (const [name, value] of Object.entries(fuzzCase.pathValues))
    path = path.replace(`{${name}}`, percentEncode(value));
  const pairs = fuzzCase.query.map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`);
  if (fuzzCase.rawQuery) pairs.push(fuzzCase.rawQuery);
  const headers: Record<string, string> = {};
  const bearer = token(fuzzCase.caller);
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  let body: Buffer | undefined;
  if (fuzzCase.body && 'json' in fuzzCase.body) {
    body = Buffer.from(serializeJson(fuzzCase.body.json), 'utf8');
    headers['content-type'] = 'application/json';
  } else if (fuzzCase.body) body = fuzzCase.body.bytes;
  Object.assign(headers, fuzzCase.headers);
  return {
    method: fuzzCase.route.method,
    target: pairs.length ? `${path}?${pairs.join('&')}` : path,
    headers,
    body,
  };
}

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

/** Sends raw HTTP/1.1 (no client-side normalisation beyond what Node insists on) and reads the answer. */
export function send(baseUrl: string, wire: WireRequest, timeoutMs = 15_000): Promise<WireResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: wire.method,
        path: wire.target,
        headers: { ...wire.headers, ...(wire.body ? { 'content-length': String(wire.body.length) } : {}) },
        timeout: timeoutMs,
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () =>
          resolve({
            status: incoming.statusCode ?? 0,
            contentType: String(incoming.headers['content-type'] ?? ''),
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        incoming.on('error', reject);
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    outgoing.on('error', reject);
    outgoing.end(wire.body);
  });
}

/** Closes the keep-alive sockets (end of the run). */
export function closeConnections(): void {
  agent.destroy();
}

/** The request as a shell command to reproduce it (the token stays a variable: it expires). */
export function toCurl(baseUrl: string, wire: WireRequest): string {
  const parts = [`curl -sS -X ${wire.method} ${shellQuote(baseUrl + wire.target)}`];
  for (const [name, value] of Object.entries(wire.headers)) {
    if (name === 'authorization') parts.push(`-H "authorization: Bearer $TOKEN"`);
    else parts.push(`-H ${shellQuote(`${name}: ${value}`)}`);
  }
  if (wire.body) {
    parts.push(
      wire.body.length > 2_000
        ? `--data-binary @body.bin  # ${wire.body.length} bytes, starting ${shellQuote(wire.body.subarray(0, 200).toString('latin1'))}`
        : `--data-binary ${shellQuote(wire.body.toString('latin1'))}`,
    );
  }
  return parts.join(' ');
}

/** `'…'`, or bash's `$'…'` with `\xHH` escapes when the text holds control or non-ASCII bytes. */
function shellQuote(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return `'${text.replace(/'/g, `'\\''`)}'`;
  const escaped = Array.from(Buffer.from(text, 'latin1'), (byte) =>
    byte >= 0x20 && byte < 0x7f && byte !== 0x27 && byte !== 0x5c
      ? String.fromCharCode(byte)
      : `\\x${byte.toString(16).padStart(2, '0')}`,
  ).join('');
  return `$'${escaped}'`;
}

/**
 * Percent-encodes every byte outside the unreserved set. A lone surrogate has no UTF-8 form, so it
 * is sent as the three bytes CESU-8 would use: exactly the invalid UTF-8 a hostile client sends.
 */
export function percentEncode(text: string): string {
  let encoded = '';
  for (const character of text) {
    if (/^[A-Za-z0-9\-._~]$/.test(character)) {
      encoded += character;
      continue;
    }
    const code = character.codePointAt(0)!;
    const bytes =
      code >= 0xd800 && code <= 0xdfff
        ? [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        : Array.from(Buffer.from(character, 'utf8'));
    encoded += bytes.map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  }
  return encoded;
}

/** JSON.stringify, except that RawJson values are written as their text. */
export function serializeJson(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(serializeJson).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.entries(value)
      .map(([key, field]) => `${JSON.stringify(key)}:${serializeJson(field)}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}
