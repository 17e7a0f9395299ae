import { providerChangeOf } from './node-provider-change';

const host = { dockerUrl: 'http://10.0.0.5:2375' };

describe('providerChangeOf', () => {
  it('changes nothing when neither provider nor settings are asked for', () => {
    expect(providerChangeOf('redroid', {})).toEqual({ kind: 'none' });
  });

  it('takes a new provider with its settings, and says it switches', () => {
    expect(providerChangeOf(null, { provider: 'redroid', providerSettings: host })).toEqual({
      kind: 'set',
      provider: 'redroid',
      settings: host,
      switches: true,
    });
  });

  it('applies settings alone to the current provider, without switching', () => {
    expect(
      providerChangeOf('redroid', { providerSettings: { ...host, image: 'redroid/redroid:14.0.0' } }),
    ).toEqual({
      kind: 'set',
      provider: 'redroid',
      settings: { ...host, image: 'redroid/redroid:14.0.0' },
      switches: false,
    });
  });

  it('goes back to the deployment provider with null, refusing settings for it', () => {
    expect(providerChangeOf('redroid', { provider: null })).toEqual({
      kind: 'set',
      provider: null,
      settings: {},
      switches: true,
    });
    expect(providerChangeOf(null, { providerSettings: host })).toMatchObject({ kind: 'invalid' });
    expect(providerChangeOf(null, { providerSettings: {} })).toEqual({
      kind: 'set',
      provider: null,
      settings: {},
      switches: false,
    });
  });

  it('refuses settings the provider does not take or that are malformed, naming them', () => {
    const redroid = (settings: Record<string, unknown>) =>
      providerChangeOf(null, { provider: 'redroid', providerSettings: settings });
    expect(redroid({})).toEqual({
      kind: 'invalid',
      reason: 'providerSettings.dockerUrl is required for redroid',
    });
    expect(redroid({ ...host, constructor: 'x' })).toEqual({
      kind: 'invalid',
      reason: 'redroid takes no setting named "constructor"',
    });
    expect(redroid({ dockerUrl: 'unix:///var/run/docker.sock' })).toMatchObject({
      reason: expect.stringContaining('dockerUrl must be an http:// or https:// URL'),
    });
    expect(redroid({ dockerUrl: 'http://user:secret@10.0.0.5:2375' })).toMatchObject({ kind: 'invalid' });
    expect(redroid({ ...host, image: 'redroid\u0000' })).toMatchObject({
      reason: 'providerSettings.image must be an image reference',
    });
    expect(redroid({ ...host, timeoutMs: 1e20 })).toMatchObject({ kind: 'invalid' });
    expect(redroid({ ...host, timeoutMs: '500' })).toMatchObject({ kind: 'invalid' });
    expect(redroid({ ...host, bootArgs: { nested: true } })).toMatchObject({ kind: 'invalid' });
    expect(
      providerChangeOf(null, { provider: 'simulated', providerSettings: { latencyMs: 1 } }),
    ).toMatchObject({
      kind: 'invalid',
    });
  });

  it('answers a body of many unknown keys with a few problems', () => {
    const many = Object.fromEntries(Array.from({ length: 5000 }, (_, index) => [`k${index}`, index]));
    const change = providerChangeOf(null, { provider: 'redroid', providerSettings: { ...host, ...many } });
    expect(change).toMatchObject({ kind: 'invalid' });
    expect((change as { reason: string }).reason.split('; ')).toHaveLength(5);
  });

  it('refuses an own __proto__ key as unknown, never as the prototype', () => {
    const hostile = JSON.parse('{"dockerUrl":"http://h:2375","__proto__":{"polluted":1}}') as Record<
      string,
      unknown
    >;
    expect(providerChangeOf(null, { provider: 'redroid', providerSettings: hostile })).toEqual({
      kind: 'invalid',
      reason: 'redroid takes no setting named "__proto__"',
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
