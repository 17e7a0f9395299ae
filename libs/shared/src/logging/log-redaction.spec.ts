import { REDACTED, redactCredentials } from './log-redaction';

describe('redactCredentials', () => {
  it('censors credential keys at the top level and one level down', () => {
    const fields = {
      msg: 'x',
      password: 'hunter2',
      token: 't',
      nested: { apiKey: 'k', secret: 's', keep: 1 },
      authorization: 'Bearer a',
    };
    expect(redactCredentials(fields)).toEqual({
      msg: 'x',
      password: REDACTED,
      token: REDACTED,
      nested: { apiKey: REDACTED, secret: REDACTED, keep: 1 },
      authorization: REDACTED,
    });
  });

  it("never changes the caller's objects, and returns them as they are when nothing is censored", () => {
    const nested = { token: 'abc' };
    const fields = { nested, other: { a: 1 } };
    const written = redactCredentials(fields);
    expect(nested.token).toBe('abc');
    expect(written.other).toBe(fields.other);
    const clean = { msg: 'y', count: 2, child: { id: 'u' }, list: [{ password: 'p' }] };
    expect(redactCredentials(clean)).toBe(clean);
  });

  it('censors the auth headers under req.headers only', () => {
    const fields = {
      req: { id: 'r', headers: { authorization: 'Bearer a', cookie: 'c', 'x-api-key': 'k', accept: '*/*' } },
      res: { headers: { cookie: 'kept: not a request' } },
    };
    expect(redactCredentials(fields)).toEqual({
      req: {
        id: 'r',
        headers: { authorization: REDACTED, cookie: REDACTED, 'x-api-key': REDACTED, accept: '*/*' },
      },
      res: { headers: { cookie: 'kept: not a request' } },
    });
  });

  it('keeps an error an error (message and stack) when one of its own fields is censored', () => {
    const error = Object.assign(new TypeError('boom'), { token: 'secret-token', code: 'E1' });
    const written = redactCredentials({ err: error }).err as TypeError & { token: string; code: string };
    expect(written).toBeInstanceOf(TypeError);
    expect(written.message).toBe('boom');
    expect(written.stack).toBe(error.stack);
    expect(written.token).toBe(REDACTED);
    expect(written.code).toBe('E1');
    expect(error.token).toBe('secret-token');
  });

  it('treats prototype names and odd values as plain fields', () => {
    const fields = JSON.parse(
      '{"constructor":{"password":"p"},"__proto__":{"token":"t"},"n":null}',
    ) as Record<string, unknown>;
    const written = redactCredentials(fields);
    expect(JSON.stringify(written)).not.toContain('"p"');
    expect(JSON.stringify(written)).not.toContain('"t"');
    expect(written.n).toBeNull();
  });
});
