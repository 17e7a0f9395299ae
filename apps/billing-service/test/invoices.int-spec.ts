import { randomUUID } from 'node:crypto';
import {
  BILLING_ROUTES,
  type BillingInvoiceIssuedEventData,
  type BillingInvoiceOverdueEventData,
  DOMAIN_EVENTS,
  type InvoiceDetailResponse,
  type InvoiceResponse,
} from '@cloudphone/contracts';
import { waitFor } from '@cloudphone/shared/testing';
import { usageLasting } from './billing-test-app';
import {
  chargeRequest,
  dayOf,
  InvoiceTestFleet,
  isEventFor,
  monthStart,
  periodOf,
} from './invoice-test-fleet';

// Invoices on real Postgres: exact totals of a ledger built through the routes and moved into past
// months, two instances racing the generator, access, CSV, the overdue job, hostile parameters.

/** 02:00 UTC on the 1st of this month: what the monthly tick would see. */
const NOW = new Date(monthStart(0).getTime() + 2 * 3600_000);
const INVOICES = `/${BILLING_ROUTES.invoices}`;

describe('billing-service invoices', () => {
  let fleet: InvoiceTestFleet;

  beforeAll(async () => {
    fleet = await InvoiceTestFleet.start(2);
  });

  afterAll(async () => {
    await fleet?.close();
  });

  const admin = () => fleet.tokens.admin();
  const service = () => fleet.tokens.service();

  async function topUp(userId: string, amountMinor: string, reference = `ref-${randomUUID()}`) {
    await fleet.post(`/billing/accounts/${userId}/top-up`, admin(), { amountMinor, reference }).expect(200);
  }

  async function usage(userId: string, seconds: number) {
    await fleet.post(`/${BILLING_ROUTES.usage}`, service(), usageLasting(seconds, { userId })).expect(200);
  }

  async function charge(userId: string, overrides: Parameters<typeof chargeRequest>[1]) {
    await fleet.post(`/${BILLING_ROUTES.charges}`, service(), chargeRequest(userId, overrides)).expect(200);
  }

  async function invoicesOf(userId: string): Promise<InvoiceResponse[]> {
    const response = await fleet.get(`${INVOICES}?userId=${userId}&sort=periodStart`, admin()).expect(200);
    return response.body.items as InvoiceResponse[];
  }

  async function detail(id: string): Promise<InvoiceDetailResponse> {
    return (await fleet.get(`${INVOICES}/${id}`, admin()).expect(200)).body as InvoiceDetailResponse;
  }

  /** Every number issued for `period`: must be INV-YYYYMM-000001 … N, no gap, no repeat. */
  async function expectConsecutiveNumbers(period: string): Promise<number> {
    const { numbers, counter } = await fleet.numbersOf(period);
    const prefix = `INV-${period.replace('-', '')}-`;
    expect(numbers).toEqual(
      numbers.map((_number, index) => `${prefix}${String(index + 1).padStart(6, '0')}`),
    );
    expect(counter).toBe(numbers.length);
    return numbers.length;
  }

  describe('generation', () => {
    const userId = randomUUID();

    beforeAll(async () => {
      // Two months ago: +1000 and one hour of usage (13) on the 3rd; proxy 250 and SMS 40 on the 4th.
      await topUp(userId, '1000', 'pay-first');
      await usage(userId, 3600);
      await fleet.backdate([userId], dayOf(-2, 3));
      await charge(userId, { amountMinor: '250' });
      await charge(userId, { source: 'sms', reference: `sms-number:${randomUUID()}`, amountMinor: '40' });
      await fleet.backdate([userId], dayOf(-2, 4));
      // Last month: usage of 7 s (1) and 12,345 s (44) on the 10th, proxy 800 on the 11th, +100 on the 12th.
      await usage(userId, 7);
      await usage(userId, 12_345);
      await fleet.backdate([userId], dayOf(-1, 10));
      await charge(userId, { amountMinor: '800' });
      await fleet.backdate([userId], dayOf(-1, 11, 23));
      await topUp(userId, '100', 'payment:second'); // as the payments module credits
      await fleet.backdate([userId], dayOf(-1, 12, 0));
    });

    it('issues one invoice per missed month with exact lines and totals', async () => {
      const summary = await fleet.generator().generate(NOW);
      expect(summary).toMatchObject({ issued: 2, mismatches: 0 });

      const [older, newer] = await invoicesOf(userId);
      expect(older).toMatchObject({
        number: expect.stringMatching(new RegExp(`^INV-${periodOf(-2).replace('-', '')}-\\d{6}$`)),
        period: periodOf(-2),
        periodStart: `${periodOf(-2)}-01`,
        currency: 'USD',
        openingBalanceMinor: '0',
        chargesMinor: '303',
        creditsMinor: '1000',
        closingBalanceMinor: '697',
        amountDueMinor: '0',
        status: 'paid',
        lineCount: 4,
      });
      expect(older.paidAt).not.toBeNull();
      expect((await detail(older.id)).lines).toEqual([
        {
          lineNo: 1,
          kind: 'usage',
          day: dayOf(-2, 3).slice(0, 10),
          description: 'Device usage (1 allocation, 3600 s)',
          quantity: 1,
          seconds: '3600',
          amountMinor: '-13',
          reference: expect.stringMatching(/^[0-9a-f-]{36}$/),
        },
        expect.objectContaining({ lineNo: 2, kind: 'top_up', amountMinor: '1000', reference: 'pay-first' }),
        expect.objectContaining({
          lineNo: 3,
          kind: 'service_charge',
          description: 'Proxy rental',
          amountMinor: '-250',
        }),
        expect.objectContaining({
          lineNo: 4,
          kind: 'service_charge',
          description: 'SMS code',
          amountMinor: '-40',
        }),
      ]);

      expect(newer).toMatchObject({
        period: periodOf(-1),
        openingBalanceMinor: '697',
        chargesMinor: '845',
        creditsMinor: '100',
        closingBalanceMinor: '-48',
        amountDueMinor: '48',
        status: 'issued',
        paidAt: null,
      });
      const due = new Date(newer.dueAt).getTime() - new Date(newer.issuedAt).getTime();
      expect(due).toBe(14 * 86_400_000);
      const lines = (await detail(newer.id)).lines;
      expect(
        lines.map((line) => [line.day, line.kind, line.quantity, line.seconds, line.amountMinor]),
      ).toEqual([
        [dayOf(-1, 10).slice(0, 10), 'usage', 2, '12352', '-45'],
        [dayOf(-1, 11).slice(0, 10), 'service_charge', 1, null, '-800'],
        [dayOf(-1, 12).slice(0, 10), 'payment', 1, null, '100'],
      ]);
      expect(lines[0].reference).toBeNull();

      // The invoices tell the ledger's story: last month's closing balance is the balance now.
      const [account] = await fleet.db.query<{ balance_minor: string }>(
        'SELECT balance_minor FROM accounts WHERE user_id = $1',
        [userId],
      );
      expect(account.balance_minor).toBe(newer.closingBalanceMinor);
    });

    it('announces each invoice once, and issues nothing more when run again', async () => {
      await waitFor(
        () =>
          fleet.observer.received.filter(isEventFor(DOMAIN_EVENTS.billingInvoiceIssued, userId)).length >= 2,
        {
          timeoutMs: 20_000,
          description: 'billing.invoice_issued twice',
        },
      );
      expect(await fleet.generator(1).generate(NOW)).toMatchObject({ issued: 0 });
      const events = fleet.observer.received.filter(isEventFor(DOMAIN_EVENTS.billingInvoiceIssued, userId));
      expect(
        events.map(({ envelope }) => (envelope.data as BillingInvoiceIssuedEventData).status).sort(),
      ).toEqual(['issued', 'paid']);
      const keys = await fleet.db.query<{ aggregate_key: string }>(
        `SELECT aggregate_key FROM outbox WHERE event_type = $1 AND data->>'userId' = $2`,
        [DOMAIN_EVENTS.billingInvoiceIssued, userId],
      );
      // Ordered per invoice, so an unconsumed invoice event never holds back billing.overdue.
      expect(keys.map((key) => key.aggregate_key)).toEqual([
        expect.stringMatching(/invoice:/),
        expect.stringMatching(/invoice:/),
      ]);
      expect(await invoicesOf(userId)).toHaveLength(2);
    });
  });

  it('two instances racing the generator issue one invoice per account-month, numbered without gaps', async () => {
    const users = Array.from({ length: 40 }, () => randomUUID());
    await Promise.all(users.map((userId) => topUp(userId, '500')));
    await fleet.backdate(users, dayOf(-3, 5));
    await fleet
      .post(`/${BILLING_ROUTES.chargesBatch}`, service(), {
        items: users.map((userId) => chargeRequest(userId, { amountMinor: '30' })),
      })
      .expect(200);
    await fleet.backdate(users, dayOf(-2, 6));

    // Three months per user (the third only carries the balance over): 120 invoices to share out.
    const runs = await Promise.allSettled(
      [0, 1, 0, 1].map((instance) => fleet.generator(instance).generate(NOW)),
    );
    expect(runs.map((run) => run.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    const issued = runs.reduce((sum, run) => sum + (run.status === 'fulfilled' ? run.value.issued : 0), 0);
    expect(issued).toBe(users.length * 3);

    const rows = await fleet.db.query<{ user_id: string; n: string }>(
      `SELECT user_id, count(*) AS n FROM invoices WHERE user_id = ANY($1::uuid[]) GROUP BY user_id`,
      [users],
    );
    expect(rows).toHaveLength(users.length);
    expect(rows.every((row) => row.n === '3')).toBe(true);
    for (const offset of [-3, -2, -1]) await expectConsecutiveNumbers(periodOf(offset));
    expect(await invoicesOf(users[0])).toMatchObject([
      { openingBalanceMinor: '0', creditsMinor: '500', closingBalanceMinor: '500', lineCount: 1 },
      { openingBalanceMinor: '500', chargesMinor: '30', closingBalanceMinor: '470', lineCount: 1 },
      { openingBalanceMinor: '470', chargesMinor: '0', closingBalanceMinor: '470', lineCount: 0 },
    ]);
  });

  describe('reading', () => {
    const owner = randomUUID();
    let invoice: InvoiceResponse;

    beforeAll(async () => {
      await charge(owner, { amountMinor: '75', tenantId: '=HYPERLINK("http://evil.example")' });
      await fleet.backdate([owner], dayOf(-1, 2));
      await fleet.generator().generate(NOW);
      [invoice] = await invoicesOf(owner);
    });

    it('lets the owner, an admin and a service read an invoice; a stranger finds nothing', async () => {
      const own = await fleet.get(INVOICES, fleet.tokens.user({ userId: owner })).expect(200);
      expect(own.body).toMatchObject({ total: 1, items: [{ id: invoice.id, userId: owner }] });
      await fleet.get(`${INVOICES}/${invoice.id}`, fleet.tokens.user({ userId: owner })).expect(200);
      await fleet.get(`${INVOICES}/${invoice.id}`, service()).expect(200);
      await fleet.get(`${INVOICES}/${invoice.id}`, admin(), 1).expect(200);

      const stranger = fleet.tokens.user();
      const hidden = await fleet.get(`${INVOICES}/${invoice.id}`, stranger).expect(404);
      expect(hidden.body.code).toBe('INVOICE_NOT_FOUND');
      await fleet.get(`${INVOICES}/${invoice.id}/csv`, stranger).expect(404);
      await fleet.get(`${INVOICES}/${randomUUID()}`, admin()).expect(404);
      expect((await fleet.get(`${INVOICES}?userId=${owner}`, stranger).expect(403)).body.code).toBe(
        'FORBIDDEN',
      );
      expect((await fleet.get(INVOICES, stranger).expect(200)).body).toMatchObject({ total: 0, items: [] });
      await fleet.http().get(INVOICES).expect(401);
    });

    it('filters by period and status', async () => {
      const list = (query: string) => fleet.get(`${INVOICES}?userId=${owner}&${query}`, admin()).expect(200);
      expect((await list(`period=${periodOf(-1)}`)).body.total).toBe(1);
      expect((await list(`period=${periodOf(-2)}`)).body.total).toBe(0);
      expect((await list('status=issued')).body.total).toBe(1);
      expect((await list('status=paid')).body.total).toBe(0);
    });

    it('exports an invoice as CSV named after its number, and a month for admins', async () => {
      const csv = await fleet
        .get(`${INVOICES}/${invoice.id}/csv`, fleet.tokens.user({ userId: owner }))
        .expect(200);
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(csv.headers['content-disposition']).toBe(`attachment; filename="${invoice.number}.csv"`);
      const rows = csv.text.split('\r\n');
      expect(rows[0]).toBe(
        'invoice_number,period,currency,line_no,day,kind,description,quantity,seconds,amount_minor,reference',
      );
      expect(rows[1]).toMatch(
        new RegExp(
          `^${invoice.number},${periodOf(-1)},USD,1,${dayOf(-1, 2).slice(0, 10)},service_charge,Proxy rental,1,,-75,proxy-rental:`,
        ),
      );
      expect(rows.slice(-3)).toEqual([
        `${invoice.number},${periodOf(-1)},USD,,,closing_balance,Closing balance,,,-75,`,
        `${invoice.number},${periodOf(-1)},USD,,,amount_due,Amount due,,,75,`,
        '',
      ]);

      const month = await fleet.get(`${INVOICES}/export.csv?period=${periodOf(-1)}`, admin()).expect(200);
      expect(month.headers['content-disposition']).toBe(
        `attachment; filename="invoices-${periodOf(-1)}.csv"`,
      );
      const line = month.text.split('\r\n').find((row) => row.startsWith(`${invoice.number},`));
      // The hostile tenant id is quoted and defused: a spreadsheet shows it as text.
      expect(line).toContain(`,"'=HYPERLINK(""http://evil.example"")",`);
      await fleet
        .get(`${INVOICES}/export.csv?period=${periodOf(-1)}`, fleet.tokens.user({ userId: owner }))
        .expect(403);
    });

    it('refuses hostile query parameters and ids with 400', async () => {
      for (const query of [
        'period=2026-13',
        'period=abc',
        "period=2026-01'%20OR%201%3D1--",
        'period=2026-01&period=2026-02',
        'status=void',
        'userId=not-a-uuid',
        'sort=secret',
        'limit=100000',
        'page=0',
        'unknown=1',
      ]) {
        const response = await fleet.get(`${INVOICES}?${query}`, admin());
        expect([query, response.status, response.body.code]).toEqual([query, 400, 'VALIDATION_FAILED']);
      }
      for (const path of [
        `${INVOICES}/not-a-uuid`,
        `${INVOICES}/not-a-uuid/csv`,
        `${INVOICES}/export.csv`,
        `${INVOICES}/export.csv?period=2026-1`,
        `${INVOICES}/export.csv?period=${periodOf(-1)}&extra=1`,
      ]) {
        const response = await fleet.get(path, admin());
        expect([path, response.status, response.body.code]).toEqual([path, 400, 'VALIDATION_FAILED']);
      }
    });
  });

  it('turns unpaid invoices overdue past their due time, and paid once the account is back at ≥ 0', async () => {
    const userId = randomUUID();
    const patient = randomUUID();
    await charge(userId, { amountMinor: '60' });
    await charge(patient, { amountMinor: '10' });
    await fleet.backdate([userId, patient], dayOf(-1, 20));
    await fleet.generator().generate(NOW);
    const [invoice] = await invoicesOf(userId);
    const [notDue] = await invoicesOf(patient);
    await fleet.db.query(`UPDATE invoices SET due_at = now() - interval '1 minute' WHERE id = $1`, [
      invoice.id,
    ]);

    const runs = await Promise.all([
      fleet.invoices(0).checkOverdue(500),
      fleet.invoices(1).checkOverdue(500),
    ]);
    expect(runs.reduce((sum, run) => sum + run.overdue, 0)).toBe(1);
    expect((await detail(invoice.id)).status).toBe('overdue');
    expect((await detail(notDue.id)).status).toBe('issued');
    await waitFor(
      () => fleet.observer.received.some(isEventFor(DOMAIN_EVENTS.billingInvoiceOverdue, userId)),
      {
        timeoutMs: 20_000,
        description: 'billing.invoice_overdue',
      },
    );
    const overdue = fleet.observer.received.find(isEventFor(DOMAIN_EVENTS.billingInvoiceOverdue, userId))
      ?.envelope.data as BillingInvoiceOverdueEventData;
    expect(overdue).toMatchObject({ invoiceId: invoice.id, amountDueMinor: '60', balanceMinor: '-60' });

    await topUp(userId, '59');
    await fleet.invoices().checkOverdue(500);
    expect((await detail(invoice.id)).status).toBe('overdue');
    await topUp(userId, '1');
    await fleet.invoices().checkOverdue(500);
    const paid = await detail(invoice.id);
    expect(paid).toMatchObject({ status: 'paid', amountDueMinor: '60' });
    expect(paid.paidAt).not.toBeNull();
    expect(
      fleet.observer.received.filter(isEventFor(DOMAIN_EVENTS.billingInvoiceOverdue, userId)),
    ).toHaveLength(1);
  });

  it('runs as cluster-safe jobs: monthly with catch-up, hourly, and by hand through /internal/cron', async () => {
    const cron = await fleet.get('/internal/cron', admin()).expect(200);
    const jobs = cron.body.jobs as Array<{ name: string; declaredExpression: string; catchUp: boolean }>;
    expect(jobs).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'generate-monthly-invoices',
          declaredExpression: '0 2 1 * *',
          catchUp: true,
        }),
        expect.objectContaining({ name: 'check-overdue-invoices', declaredExpression: '41 * * * *' }),
      ]),
    );
    await fleet.post('/internal/cron/generate-monthly-invoices/trigger', admin(), {}).expect(202);
    await waitFor(
      async () => {
        const state = await fleet.get('/internal/cron', admin()).expect(200);
        const job = (state.body.jobs as Array<{ name: string; lastRuns: Array<{ outcome: string }> }>).find(
          (candidate) => candidate.name === 'generate-monthly-invoices',
        );
        return job?.lastRuns[0]?.outcome === 'success';
      },
      { timeoutMs: 20_000, description: 'a successful manual run of generate-monthly-invoices' },
    );
  });
});
