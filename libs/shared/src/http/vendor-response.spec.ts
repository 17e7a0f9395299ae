import { networkCode, parseJson, readBoundedText, retryAfterMs } from './vendor-response';

/** A body streamed in `chunks` with no length announced, noting whether the reader cancelled it. */
function streamedResponse(
  chunks: string[],
  headers: Record<string, string> = {},
): { response: Response; cancelled: () => boolean } {
  let cancelled = false;
  let next = 0;
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (next < chunks.length) controller.enqueue(encoder.encode(chunks[next++]));
      else controller.close();
    },
    cancel() {
      cancelled = true;
    },
  });
  return { response: new Response(body, { headers }), cancelled: () => cancelled };
}

describe('readBoundedText', () => {
  it('reads a body within the bound, announced or not', async () => {
    expect(await readBoundedText(new Response('{"ok":true}'), 11)).toBe('{"ok":true}');
    const { response, cancelled } = streamedResponse(['hé', 'llo']);
    expect(await readBoundedText(response, 6)).toBe('héllo');
    expect(cancelled()).toBe(false);
  });

  it('reads an empty body, and a response with none, as empty text', async () => {
    expect(await readBoundedText(new Response(''), 0)).toBe('');
    expect(await readBoundedText(new Response(null, { status: 204 }), 10)).toBe('');
  });

  it('refuses a body whose Content-Length is over the bound without reading it', async () => {
    const { response, cancelled } = streamedResponse(['x'.repeat(100)], { 'content-length': '100' });
    expect(await readBoundedText(response, 99)).toBeNull();
    expect(cancelled()).toBe(true);
  });

  it('refuses, and cancels, a body that grows over the bound with no length announced', async () => {
    const { response, cancelled } = streamedResponse(['x'.repeat(60), 'x'.repeat(60), 'x'.repeat(60)]);
    expect(await readBoundedText(response, 100)).toBeNull();
    expect(cancelled()).toBe(true);
  });

  it('ignores a Content-Length that is not a number and counts the bytes sent', async () => {
    const { response } = streamedResponse(['x'.repeat(20)], { 'content-length': 'lots' });
    expect(await readBoundedText(response, 10)).toBeNull();
  });
});

describe('parseJson', () => {
  it('answers the JSON, or undefined for text that is none', () => {
    expect(parseJson('{"a":[1,"b"]}')).toEqual({ a: [1, 'b'] });
    expect(parseJson('"no free phones"')).toBe('no free phones');
    expect(parseJson('null')).toBeNull();
    expect(parseJson('no free phones')).toBeUndefined();
    expect(parseJson('')).toBeUndefined();
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  const day = 24 * 60 * 60 * 1000;

  it('reads delay-seconds', () => {
    expect(retryAfterMs('7', day, now)).toBe(7000);
    expect(retryAfterMs(' 0 ', day, now)).toBe(0);
  });

  it('reads an HTTP date, a past one as now', () => {
    expect(retryAfterMs('Wed, 01 Jan 2025 00:01:00 GMT', day, now)).toBe(60_000);
    expect(retryAfterMs('Tue, 31 Dec 2024 23:00:00 GMT', day, now)).toBe(0);
  });

  it('answers undefined when absent or unreadable', () => {
    expect(retryAfterMs(null, day, now)).toBeUndefined();
    expect(retryAfterMs('soon', day, now)).toBeUndefined();
    expect(retryAfterMs('-1', day, now)).toBeUndefined();
    expect(retryAfterMs('', day, now)).toBeUndefined();
  });

  it('clamps to the maximum', () => {
    expect(retryAfterMs('999999999999', day, now)).toBe(day);
    expect(retryAfterMs('Fri, 01 Jan 2100 00:00:00 GMT', day, now)).toBe(day);
    expect(retryAfterMs('120', 60_000, now)).toBe(60_000);
  });
});

describe('networkCode', () => {
  it("answers the system code under fetch's failure", () => {
    const error = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
    });
    expect(networkCode(error)).toBe('ECONNREFUSED');
  });

  it('answers "network error" without a cause or a code', () => {
    expect(networkCode(new TypeError('fetch failed'))).toBe('network error');
    expect(networkCode(new TypeError('fetch failed', { cause: new Error('other') }))).toBe('network error');
    expect(networkCode(new TypeError('fetch failed', { cause: { code: 42 } }))).toBe('network error');
    expect(networkCode(null)).toBe('network error');
    expect(networkCode('fetch failed')).toBe('network error');
  });
});
