import { stripeForm } from './stripe-form';

describe('stripeForm', () => {
  it('writes nested hashes with brackets, in order, and leaves undefined out', () => {
    expect(
      stripeForm({
        amount: 5000n,
        currency: 'usd',
        automatic_payment_methods: { enabled: true },
        metadata: { payment_id: 'a-b', user_id: 'u', note: undefined },
        capture: false,
        skipped: undefined,
      }),
    ).toEqual([
      ['amount', '5000'],
      ['currency', 'usd'],
      ['automatic_payment_methods[enabled]', 'true'],
      ['metadata[payment_id]', 'a-b'],
      ['metadata[user_id]', 'u'],
      ['capture', 'false'],
    ]);
  });

  it('leaves encoding of values to URLSearchParams (what HttpClient sends)', () => {
    const body = new URLSearchParams(stripeForm({ metadata: { note: 'a&b=c [x]' } })).toString();
    expect(body).toBe('metadata%5Bnote%5D=a%26b%3Dc+%5Bx%5D');
  });

  it('refuses a key Stripe could misread (a bug, never user input)', () => {
    expect(() => stripeForm({ 'a[b]': 'x' })).toThrow(RangeError);
    expect(() => stripeForm({ metadata: { '': 'x' } })).toThrow(RangeError);
  });
});
