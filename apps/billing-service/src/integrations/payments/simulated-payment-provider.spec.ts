import { SimulatedPaymentProvider } from './simulated-payment-provider';

const PAYMENT_ID = '0d4c2b1a-9f8e-4d7c-a6b5-4c3d2e1f0a9b';
const request = { paymentId: PAYMENT_ID, userId: PAYMENT_ID, amountMinor: 500n, currency: 'USD' };

describe('SimulatedPaymentProvider', () => {
  it('derives the provider id and the event ids from our payment id (a repeat is the same one)', async () => {
    const provider = new SimulatedPaymentProvider({ autoComplete: false });
    const created = await provider.createIntent(request);
    expect(created).toMatchObject({
      providerPaymentId: `sim_${PAYMENT_ID}`,
      state: 'pending',
      settlement: null,
    });
    expect((await provider.createIntent(request)).providerPaymentId).toBe(created.providerPaymentId);
    const first = provider.simulate(created, 'succeeded');
    expect(first).toMatchObject({ eventId: `sim_evt_${PAYMENT_ID}_succeeded`, outcome: 'succeeded' });
    expect(provider.simulate(created, 'succeeded').eventId).toBe(first.eventId);
    expect(provider.simulate(created, 'failed').eventId).not.toBe(first.eventId);
  });

  it('settles at once with autoComplete, through an event like any other', async () => {
    const provider = new SimulatedPaymentProvider({ autoComplete: true });
    const created = await provider.createIntent(request);
    expect(created.settlement).toMatchObject({
      outcome: 'succeeded',
      payment: {
        providerPaymentId: `sim_${PAYMENT_ID}`,
        amountMinor: 500n,
        currency: 'USD',
        state: 'succeeded',
      },
    });
  });

  it('cancels an open payment but not one that succeeded', async () => {
    const provider = new SimulatedPaymentProvider({ autoComplete: false });
    const created = await provider.createIntent(request);
    expect((await provider.cancel(created.providerPaymentId)).state).toBe('canceled');
    const other = await provider.createIntent({
      ...request,
      paymentId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    });
    provider.simulate(other, 'succeeded');
    expect((await provider.cancel(other.providerPaymentId)).state).toBe('succeeded');
  });

  it('reads a payment another process created as pending, and refuses ids not its own', async () => {
    const provider = new SimulatedPaymentProvider({ autoComplete: false });
    expect((await provider.retrieve(`sim_${PAYMENT_ID}`)).state).toBe('pending');
    await expect(provider.retrieve('pi_123')).rejects.toMatchObject({ code: 'PAYMENT_NOT_FOUND' });
    expect(() => provider.verifyWebhook()).toThrow(
      expect.objectContaining({ code: 'WEBHOOK_SIGNATURE_INVALID' }),
    );
  });
});
