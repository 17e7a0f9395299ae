import { parseCodePatterns, parseCurrencyRates, parsePoolTargets, parseServicePrices } from './sms-settings';

describe('sms settings', () => {
  it('reads prices, rates and pool targets', () => {
    expect(parseServicePrices('telegram:30, whatsapp:60')).toEqual(
      new Map([
        ['telegram', 30],
        ['whatsapp', 60],
      ]),
    );
    expect(parseCurrencyRates('USD:1,RUB:0.011').get('RUB')).toBe(0.011);
    expect(parsePoolTargets('telegram:GB:2')).toEqual([{ service: 'telegram', countryCode: 'GB', size: 2 }]);
    expect(parsePoolTargets('')).toEqual([]);
  });

  it('refuses malformed entries, naming them', () => {
    expect(() => parseServicePrices('Telegram:30')).toThrow('"Telegram" is not a service name');
    expect(() => parseServicePrices('telegram:-1')).toThrow('is not a price');
    expect(() => parseServicePrices('telegram:1,telegram:2')).toThrow('given twice');
    expect(() => parseCurrencyRates('RUB:0')).toThrow('not a positive rate');
    expect(() => parseCurrencyRates('rub:1')).toThrow('ISO 4217');
    expect(() => parsePoolTargets('telegram:gb:2')).toThrow('ISO 3166');
    expect(() => parsePoolTargets('telegram:GB:51')).toThrow('size of 1–50');
    expect(() => parsePoolTargets('telegram:GB')).toThrow('3 parts');
  });

  it('reads code patterns with exactly one capturing group', () => {
    const patterns = parseCodePatterns('{"acme":"acme code (\\\\d{4})"}');
    expect(patterns.get('acme')!.exec('Your ACME code 1234')![1]).toBe('1234');
    expect(() => parseCodePatterns('{"acme":"(\\\\d"}')).toThrow('does not compile');
    expect(() => parseCodePatterns('{"acme":"\\\\d{4}"}')).toThrow('exactly one capturing group');
    expect(() => parseCodePatterns('{"acme":"(a)(b)"}')).toThrow('exactly one capturing group');
    // A prototype name is only a key of the map: nothing is polluted.
    expect(parseCodePatterns('{"__proto__":"(a)"}').get('__proto__')).toBeInstanceOf(RegExp);
    expect(({} as Record<string, unknown>).source).toBeUndefined();
    expect(() => parseCodePatterns('{"Acme":"(a)"}')).toThrow('not a service name');
    expect(() => parseCodePatterns('[1]')).toThrow('not a JSON object');
    expect(() => parseCodePatterns('{')).toThrow('not JSON');
  });
});
