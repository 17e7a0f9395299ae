import { chargeOfBillingAnswer } from './billing-answer-charge';

describe('chargeOfBillingAnswer', () => {
  const id = '7b0c5c3e-8d3c-4b7e-9d0a-2f1e3c4b5a69';
  const usage = { usageId: 'u', allocationId: id, amountMinor: '180', balanceMinor: '9820', currency: 'USD' };

  it('reads the charge of a single answer and of a batch item', () => {
    const charge = { allocationId: id, amountMinor: '180', currency: 'USD' };
    expect(chargeOfBillingAnswer(id, { ...usage, duplicate: false })).toEqual(charge);
    expect(chargeOfBillingAnswer(id, { allocationId: id, status: 'duplicate', usage })).toEqual(charge);
  });

  it('takes no charge from an answer about another allocation or without a usable amount and currency', () => {
    expect(chargeOfBillingAnswer(id, { ...usage, allocationId: 'other' })).toBeUndefined();
    expect(chargeOfBillingAnswer(id, { ...usage, currency: undefined })).toBeUndefined(); // an older billing
    expect(chargeOfBillingAnswer(id, { ...usage, currency: 'usd' })).toBeUndefined();
    expect(chargeOfBillingAnswer(id, { ...usage, amountMinor: 180 })).toBeUndefined();
    expect(chargeOfBillingAnswer(id, { ...usage, amountMinor: '1.5' })).toBeUndefined();
    expect(chargeOfBillingAnswer(id, { ...usage, amountMinor: '9223372036854775808' })).toBeUndefined();
    expect(chargeOfBillingAnswer(id, { ...usage, amountMinor: '18\u0000' })).toBeUndefined();
    expect(chargeOfBillingAnswer(id, null)).toBeUndefined();
    expect(chargeOfBillingAnswer(id, 'text')).toBeUndefined();
    expect(chargeOfBillingAnswer(id, JSON.parse('{"__proto__":{"allocationId":"x"}}'))).toBeUndefined();
  });

  it('keeps the bigint range of the allocation column', () => {
    expect(chargeOfBillingAnswer(id, { ...usage, amountMinor: '9223372036854775807' })?.amountMinor).toBe(
      '9223372036854775807',
    );
    expect(chargeOfBillingAnswer(id, { ...usage, amountMinor: '-9223372036854775808' })?.amountMinor).toBe(
      '-9223372036854775808',
    );
  });
});
