import { randomUUID } from 'node:crypto';
import { BILLING_ROUTES } from '@cloudphone/contracts';
import { BillingTestApp, usageReport, type BillingRowCounts } from './billing-test-app';

// Malformed input on every endpoint: 400 VALIDATION_FAILED with a reason, and nothing written.

const SQL = "x'); DROP TABLE accounts; --";
const HUGE = 1e30;

type Body = Record<string, unknown>;

describe('billing-service input validation', () => {
  let app: BillingTestApp;
  let baseline: BillingRowCounts;
  const knownUser = randomUUID();

  beforeAll(async () => {
    app = await BillingTestApp.start();
    await app.topUp(knownUser, '1000', 'pi_known');
    baseline = await app.rowCounts();
  });

  afterEach(async () => {
    expect(await app.rowCounts()).toEqual(baseline);
  });

  afterAll(async () => {
    await app?.close();
  });

  async function expectRejected(response: { status: number; body: Body }, label: string): Promise<void> {
    expect({ label, status: response.status, code: response.body.code }).toEqual({
      label,
      status: 400,
      code: 'VALIDATION_FAILED',
    });
    expect(typeof response.body.message).toBe('string');
  }

  const balanceCheck = {
    userId: knownUser,
    durationSeconds: 3600,
    cpuCores: 4,
    memoryMb: 8192,
    storageGb: 64,
  };

  /** Wrong types, negative, huge and fractional numbers, unknown fields and SQL, for a body's numeric fields. */
  function numericCases(base: Body, fields: string[]): Array<[string, unknown]> {
    return fields.flatMap((field) => [
      [`${field} as a string`, { ...base, [field]: '60' }],
      [`${field} negative`, { ...base, [field]: -1 }],
      [`${field} fractional`, { ...base, [field]: 1.5 }],
      [`${field} huge`, { ...base, [field]: HUGE }],
      [`${field} null`, { ...base, [field]: null }],
      [`${field} missing`, Object.fromEntries(Object.entries(base).filter(([key]) => key !== field))],
      [`${field} as SQL`, { ...base, [field]: SQL }],
    ]);
  }

  /** A spec outside one device's bounds: a balance check or usage report describes one allocation's device. */
  function specCases(base: Body): Array<[string, unknown]> {
    return [
      ['cpuCores above one device (129)', { ...base, cpuCores: 129 }],
      ['memoryMb zero', { ...base, memoryMb: 0 }],
      ['memoryMb below one device (255)', { ...base, memoryMb: 255 }],
      ['memoryMb above one device (1048577)', { ...base, memoryMb: 1_048_577 }],
      ['storageGb zero', { ...base, storageGb: 0 }],
      ['storageGb above one device (65537)', { ...base, storageGb: 65_537 }],
    ];
  }

  it.each<[string, unknown]>([
    ['empty body', {}],
    ['an array', [balanceCheck]],
    ['userId not a uuid', { ...balanceCheck, userId: 'user-1' }],
    ['userId as SQL', { ...balanceCheck, userId: SQL }],
    ['durationSeconds zero', { ...balanceCheck, durationSeconds: 0 }],
    ['durationSeconds beyond 90 days', { ...balanceCheck, durationSeconds: 90 * 24 * 3600 + 1 }],
    ['an unknown field', { ...balanceCheck, discount: 100 }],
    ...numericCases(balanceCheck, ['durationSeconds', 'cpuCores', 'memoryMb', 'storageGb']),
    ...specCases(balanceCheck),
  ])('POST balance/check refuses %s', async (label, body) => {
    await expectRejected(await app.postAsService(BILLING_ROUTES.balanceCheck, body), label);
  });

  it.each<[string, unknown]>([
    ['empty body', {}],
    ['no items', { items: [] }],
    ['101 items', { items: Array.from({ length: 101 }, () => balanceCheck) }],
    ['items not an array', { items: balanceCheck }],
    ['a null item', { items: [balanceCheck, null] }],
    ['one malformed item', { items: [balanceCheck, { ...balanceCheck, durationSeconds: 2 ** 53 }] }],
    ['an item named constructor', { items: [{ ...balanceCheck, userId: 'constructor' }] }],
    ['an item with a NUL byte', { items: [{ ...balanceCheck, userId: `${knownUser}\u0000` }] }],
    ['an unknown top-level field', { items: [balanceCheck], strict: false }],
  ])('POST balance/check/batch refuses %s', async (label, body) => {
    await expectRejected(await app.postAsService(BILLING_ROUTES.balanceCheckBatch, body), label);
  });

  it.each([
    ['the smallest device', { cpuCores: 1, memoryMb: 256, storageGb: 1 }],
    ['the largest device', { cpuCores: 128, memoryMb: 1_048_576, storageGb: 65_536 }],
  ])('POST balance/check accepts %s', async (_label, spec) => {
    const response = await app.postAsService(BILLING_ROUTES.balanceCheck, { ...balanceCheck, ...spec });
    expect(response.status).toBe(200);
  });

  const usage: Body = { ...usageReport({ userId: knownUser }) };

  it.each<[string, unknown]>([
    ['empty body', {}],
    ['allocationId as SQL', { ...usage, allocationId: SQL }],
    ['deviceId not a uuid', { ...usage, deviceId: 42 }],
    ['userId missing', { ...usage, userId: undefined }],
    ['tenantId empty', { ...usage, tenantId: '' }],
    ['tenantId too long', { ...usage, tenantId: 't'.repeat(129) }],
    ['tenantId a number', { ...usage, tenantId: 7 }],
    ['startedAt not a date', { ...usage, startedAt: 'yesterday' }],
    ['startedAt impossible', { ...usage, startedAt: '2025-13-45T25:00:00Z' }],
    ['endedAt as SQL', { ...usage, endedAt: SQL }],
    ['endedAt before startedAt', { ...usage, endedAt: '2025-01-01T09:00:00.000Z', billedSeconds: 0 }],
    ['billedSeconds beyond the period', { ...usage, billedSeconds: 101 }],
    ['billedSeconds beyond 90 days', { ...usage, billedSeconds: 90 * 24 * 3600 + 1 }],
    ['a price in the body', { ...usage, amountMinor: '1' }],
    ['an unknown field', { ...usage, note: 'free please' }],
    ...numericCases(usage, ['billedSeconds', 'cpuCores', 'memoryMb', 'storageGb']),
    ...specCases(usage),
  ])('POST usage refuses %s', async (label, body) => {
    await expectRejected(await app.postAsService(BILLING_ROUTES.usage, body), label);
  });

  it.each<[string, unknown]>([
    ['empty body', {}],
    ['no items', { items: [] }],
    ['101 items', { items: Array.from({ length: 101 }, () => usageReport()) }],
    ['items not an array', { items: usageReport() }],
    ['a null item', { items: [usageReport(), null] }],
    ['one malformed item', { items: [usageReport(), { ...usageReport(), billedSeconds: -1 }] }],
    ['an item with an unknown field', { items: [{ ...usageReport(), extra: true }] }],
    ['an unknown top-level field', { items: [usageReport()], atomic: true }],
  ])('POST usage/batch refuses %s, recording none of its items', async (label, body) => {
    await expectRejected(await app.postAsService(BILLING_ROUTES.usageBatch, body), label);
  });

  it.each(['not-a-uuid', encodeURIComponent(SQL), '12345'])(
    'GET accounts/:userId refuses the user id %s',
    async (userId) => {
      const response = await app.http
        .get(`/billing/accounts/${userId}`)
        .set('Authorization', `Bearer ${app.tokens.admin()}`);
      await expectRejected(response, userId);
    },
  );

  const topUp = { amountMinor: '500', reference: 'pi_valid_1' };

  it.each<[string, string, unknown]>([
    ['userId not a uuid', 'abc', topUp],
    ['userId as SQL', encodeURIComponent(SQL), topUp],
    ['empty body', knownUser, {}],
    ['amountMinor as a number', knownUser, { ...topUp, amountMinor: 500 }],
    ['amountMinor as a float', knownUser, { ...topUp, amountMinor: 5.5 }],
    ['amountMinor as a decimal string', knownUser, { ...topUp, amountMinor: '5.50' }],
    ['amountMinor in exponent form', knownUser, { ...topUp, amountMinor: '5e2' }],
    ['amountMinor negative', knownUser, { ...topUp, amountMinor: '-500' }],
    ['amountMinor zero', knownUser, { ...topUp, amountMinor: '0' }],
    ['amountMinor with a leading zero', knownUser, { ...topUp, amountMinor: '0500' }],
    ['amountMinor padded', knownUser, { ...topUp, amountMinor: ' 500' }],
    ['amountMinor huge', knownUser, { ...topUp, amountMinor: '1000000000000' }],
    ['amountMinor beyond bigint', knownUser, { ...topUp, amountMinor: '99999999999999999999' }],
    ['amountMinor as SQL', knownUser, { ...topUp, amountMinor: SQL }],
    ['reference missing', knownUser, { amountMinor: '500' }],
    ['reference empty', knownUser, { ...topUp, reference: '' }],
    ['reference too long', knownUser, { ...topUp, reference: 'r'.repeat(129) }],
    ['reference as SQL', knownUser, { ...topUp, reference: SQL }],
    ['reference a number', knownUser, { ...topUp, reference: 12345 }],
    ['an unknown field', knownUser, { ...topUp, currency: 'EUR' }],
  ])('POST top-up refuses %s', async (label, userId, body) => {
    const response = await app.http
      .post(`/billing/accounts/${userId}/top-up`)
      .set('Authorization', `Bearer ${app.tokens.admin()}`)
      .send(body as Body);
    await expectRejected(response, label);
  });

  const plan = {
    currency: 'USD',
    baseMicrosPerHour: '1000000',
    cpuCoreMicrosPerHour: '1000000',
    memoryGbMicrosPerHour: '1000000',
    storageGbMicrosPerHour: '1000000',
  };
  const rates = [
    'baseMicrosPerHour',
    'cpuCoreMicrosPerHour',
    'memoryGbMicrosPerHour',
    'storageGbMicrosPerHour',
  ];

  it.each<[string, unknown]>([
    ['empty body', {}],
    ['currency lower case', { ...plan, currency: 'usd' }],
    ['currency too short', { ...plan, currency: 'US' }],
    ['currency as SQL', { ...plan, currency: SQL }],
    ['an unknown field', { ...plan, effectiveFrom: '2020-01-01T00:00:00Z' }],
    ...rates.flatMap((field): Array<[string, unknown]> => [
      [`${field} as a number`, { ...plan, [field]: 1000000 }],
      [`${field} as a float string`, { ...plan, [field]: '1000000.5' }],
      [`${field} negative`, { ...plan, [field]: '-1' }],
      [`${field} beyond the bound`, { ...plan, [field]: '1000000000000' }],
      [`${field} missing`, { ...plan, [field]: undefined }],
      [`${field} as SQL`, { ...plan, [field]: SQL }],
    ]),
  ])('PUT pricing refuses %s', async (label, body) => {
    const response = await app.http
      .put(`/${BILLING_ROUTES.pricing}`)
      .set('Authorization', `Bearer ${app.tokens.admin()}`)
      .send(body as Body);
    await expectRejected(response, label);
  });

  it.each(['currency=usd', `currency=${encodeURIComponent(SQL)}`, 'currency=USD&version=1'])(
    'GET pricing refuses the query %s',
    async (query) => {
      const response = await app.http
        .get(`/${BILLING_ROUTES.pricing}?${query}`)
        .set('Authorization', `Bearer ${app.tokens.admin()}`);
      await expectRejected(response, query);
    },
  );

  it('refuses a malformed JSON body', async () => {
    const response = await app.http
      .post(`/${BILLING_ROUTES.usage}`)
      .set('Authorization', `Bearer ${app.tokens.service()}`)
      .set('Content-Type', 'application/json')
      .send('{"allocationId": ');
    expect({ status: response.status, code: response.body.code }).toEqual({
      status: 400,
      code: 'MALFORMED_BODY',
    });
  });

  it('stores a tenant id holding SQL metacharacters as plain text (queries are parameterised)', async () => {
    // tenantId is free text in the contract; this is the one write in this file, so re-baseline.
    const report = usageReport({ tenantId: SQL });
    await app.postAsService(BILLING_ROUTES.usage, report).expect(200);
    const [account] = await app.db.query('SELECT tenant_id FROM accounts WHERE user_id = $1', [
      report.userId,
    ]);
    expect(account).toEqual({ tenant_id: SQL });
    baseline = await app.rowCounts();
  });
});
