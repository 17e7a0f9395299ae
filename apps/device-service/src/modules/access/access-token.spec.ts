import { AccessTokens } from './access-token';

const SUBJECT = { allocationId: '0b6f2f3e-8a51-4c1e-9a43-1f2d3c4b5a69', fencingToken: '17' };

describe('AccessTokens', () => {
  const tokens = new AccessTokens('a-secret-of-at-least-thirty-two-characters');

  it('reads back what it issued', () => {
    expect(tokens.read(tokens.issue(SUBJECT))).toEqual(SUBJECT);
  });

  it('refuses a token of another key, another claim or a changed signature', () => {
    const token = tokens.issue(SUBJECT);
    expect(new AccessTokens('another-secret-of-thirty-two-characters!').read(token)).toBeNull();
    expect(tokens.read(token.replace('.17.', '.18.'))).toBeNull();
    const signature = token.split('.')[3];
    const flipped = `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    expect(tokens.read(token.replace(signature, flipped))).toBeNull();
  });

  it.each([
    '',
    'v1',
    'v2.0b6f2f3e-8a51-4c1e-9a43-1f2d3c4b5a69.17.x',
    'v1.constructor.17.x',
    'v1.0b6f2f3e-8a51-4c1e-9a43-1f2d3c4b5a69.0.x',
    'v1.0b6f2f3e-8a51-4c1e-9a43-1f2d3c4b5a69.99999999999999999999.x',
    'v1.0b6f2f3e-8a51-4c1e-9a43-1f2d3c4b5a69.17.x.y',
    'v1.0b6f2f3e-8a51-4c1e-9a43-1f2d3c4b5a69\u0000.17.x',
  ])('refuses the malformed token %j', (token) => {
    expect(tokens.read(token)).toBeNull();
  });
});
