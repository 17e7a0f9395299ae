import { extractCode } from './code-extractor';

const none = new Map<string, RegExp>();

describe('extractCode', () => {
  it.each([
    ['telegram', 'Telegram code: 51234. Do not give this code to anyone', '51234'],
    ['whatsapp', '<#> Your WhatsApp code: 123-456 You can also tap this link', '123456'],
    ['google', 'G-482913 is your Google verification code.', '482913'],
    ['facebook', 'FB-77812 is your Facebook confirmation code', '77812'],
    ['instagram', '123 456 is your Instagram code.', '123456'],
    ['uber', 'Your Uber code: 4821. Never share this code.', '4821'],
    ['acme', 'Ваш код подтверждения: 908172', '908172'],
  ])('%s: %s → %s', (service, text, code) => {
    expect(extractCode(service, text, none)).toBe(code);
  });

  it('finds no code where there is none, and skips phone-number-like digit runs', () => {
    expect(extractCode('acme', 'Welcome to ACME!', none)).toBeNull();
    expect(extractCode('acme', 'Call +1-202-555-0143 for help', none)).toBeNull();
  });

  it('prefers the operator’s pattern to the built-in one', () => {
    const overrides = new Map([['telegram', /login (\w{6})/iu]]);
    expect(extractCode('telegram', 'Login ABC123, code: 51234', overrides)).toBe('ABC123');
  });

  it('never answers something that is not a storable code', () => {
    const overrides = new Map([['acme', /code (.+)/u]]);
    expect(extractCode('acme', 'code 12 34\u0000', overrides)).toBeNull();
  });
});
