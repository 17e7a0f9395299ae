import { randomUUID } from 'node:crypto';
import { SERVICE_CATALOG, SMS_RECEIVE_ROUTES } from '@cloudphone/contracts';
import { ServiceFleet } from '@cloudphone/shared/testing';
import { FivesimApiServer } from './support/fivesim-api-server';

// Issue 15: sms-message-polling runs once per tick however many replicas run. Two processes poll
// every second for a few seconds; a local server speaking 5sim's API records every check of every
// number: each number is checked once per tick (no two checks of one number within a tick), and a
// code pushed at the provider reaches the user once.

const SMS = SERVICE_CATALOG.smsReceive.name;
const KEY = 'fivesim-e2e-key';
const NUMBERS = 4;
const WATCH_MS = 4000;

describe('sms polling with two replicas', () => {
  let fleet: ServiceFleet;
  let fivesim: FivesimApiServer;

  beforeAll(async () => {
    fivesim = await FivesimApiServer.start(KEY);
    fivesim.reset();
    fivesim.balance = 1000;
    fivesim.prices = { england: { telegram: { virtual21: { cost: 10, count: 50 } } } };
    fleet = await ServiceFleet.start({
      processes: { [SMS]: 2 },
      observe: ['sms.#'],
      environment: {
        CRON_SCHEDULE_OVERRIDES: JSON.stringify({
          '*': { disabled: true },
          'sms-message-polling': { expression: '* * * * * *', jitterMs: 0 },
        }),
      },
    });
  }, 120_000);

  afterAll(async () => {
    await fleet?.stop();
    await fivesim?.close();
  });

  it('checks each waiting number once per tick across both replicas, and charges a code once', async () => {
    const admin = { Authorization: `Bearer ${fleet.tokens.admin()}`, 'Content-Type': 'application/json' };
    const provider = await fetch(`${fleet.url(SMS, 0)}/${SMS_RECEIVE_ROUTES.providers}`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ name: '5sim', kind: 'fivesim', apiUrl: fivesim.baseUrl, apiKey: KEY }),
    });
    expect(provider.status).toBe(201);
    const numbers: Array<{ id: string }> = [];
    for (let index = 0; index < NUMBERS; index++) {
      const rented = await fetch(`${fleet.url(SMS, index % 2)}/${SMS_RECEIVE_ROUTES.numbers}`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${fleet.tokens.user({ userId: randomUUID() })}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({ service: 'telegram', countryCode: 'GB' }),
      });
      expect(rented.status).toBe(201);
      numbers.push((await rented.json()) as { id: string });
    }
    const started = Date.now();
    await new Promise((resolve) => setTimeout(resolve, WATCH_MS));
    const [first] = [...fivesim.orders.values()];
    fivesim.pushSms(first.id, { sender: 'Telegram', text: 'Telegram code: 77123' });
    await new Promise((resolve) => setTimeout(resolve, 2000));

    for (const order of fivesim.orders.values()) {
      const checks = fivesim.requests
        .filter((request) => request.path === `/v1/user/check/${order.id}` && request.receivedAt >= started)
        .map((request) => request.receivedAt)
        .sort((left, right) => left - right);
      // About one a second: enough ticks ran, and no tick checked the number twice.
      expect(checks.length).toBeGreaterThanOrEqual(3);
      const gaps = checks.slice(1).map((at, index) => at - checks[index]);
      expect(Math.min(...gaps)).toBeGreaterThan(500);
    }
    const database = fleet.databases[SMS]!;
    const [{ received, charged }] = await database.query<{ received: number; charged: number }>(
      `SELECT count(*) FILTER (WHERE status = 'received')::int AS received,
              (SELECT count(*)::int FROM outbox WHERE destination = 'billing-service') AS charged
       FROM sms_numbers`,
    );
    expect({ received, charged }).toEqual({ received: 1, charged: 1 });
    expect(numbers).toHaveLength(NUMBERS);
  });
});
