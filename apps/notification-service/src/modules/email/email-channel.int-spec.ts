import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { DeliveryResponse, EventEnvelope, PageResponse } from '@cloudphone/contracts';
import {
  consumerQueueNames,
  createTestDatabase,
  createTestSecrets,
  EventObserver,
  repositoryRoot,
  ScriptedHttpServer,
  serviceEnvironment,
  ServiceProcess,
  TestTokens,
  uniqueTestId,
  waitFor,
  type RecordedRequest,
  type TestDatabase,
  sumMetricSamples,
  balanceLowData,
  eventEnvelope as envelope,
  invoiceIssuedData,
  paymentSucceededData,
} from '@cloudphone/shared/testing';
import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

// The email channel end to end: events published to RabbitMQ as user-service's and billing-service's
// relays publish them, the built notification-service with EMAIL_TRANSPORT=smtp, a real SMTP server
// (smtp-server) receiving the messages, and a stand-in user-service answering GET users/:id.
const RETRY_DELAYS_MS = [200, 400];
const PUBLIC_APP_URL = 'https://app.cloudphone.test/console';

interface SmtpAttempt {
  to: string;
  raw: string;
  accepted: boolean;
}

/** A real SMTP server: answers 550 to RCPT TO of `rejected` addresses, and the next `deferrals` of an address' DATA with 451. */
class TestSmtpServer {
  readonly attempts: SmtpAttempt[] = [];
  readonly rcptTo: string[] = [];
  readonly rejected = new Set<string>();
  readonly deferrals = new Map<string, number>();
  url = '';
  private readonly server: SMTPServer;

  constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo: (address, _session, callback) => {
        this.rcptTo.push(address.address);
        if (!this.rejected.has(address.address)) return callback();
        // As real servers do, the refusal names the address.
        callback(
          Object.assign(new Error(`5.1.1 <${address.address}>: Mailbox unavailable`), { responseCode: 550 }),
        );
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const to = session.envelope.rcptTo[0]?.address ?? '';
          const deferrals = this.deferrals.get(to) ?? 0;
          this.attempts.push({ to, raw: Buffer.concat(chunks).toString('utf8'), accepted: deferrals === 0 });
          if (deferrals === 0) return callback();
          this.deferrals.set(to, deferrals - 1);
          callback(Object.assign(new Error('4.3.0 Try again later'), { responseCode: 451 }));
        });
      },
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `smtp://127.0.0.1:${(this.server.server.address() as { port: number }).port}`;
  }

  /** Accepted messages to `address`, parsed. */
  received(address: string): Promise<ParsedMail[]> {
    return Promise.all(
      this.attempts
        .filter((attempt) => attempt.accepted && attempt.to === address)
        .map((attempt) => simpleParser(attempt.raw)),
    );
  }

  close(): Promise<void> {
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

interface KnownUser {
  email: string;
  displayName: string;
  emailVerified: boolean;
  status: 'active' | 'pending' | 'suspended';
}

describe('email channel (real SMTP server, Postgres, RabbitMQ, built app)', () => {
  const secrets = createTestSecrets();
  const tokens = new TestTokens(secrets);
  const namespace = uniqueTestId('email');
  const smtp = new TestSmtpServer();
  const users = new Map<string, KnownUser>();
  /** Users whose lookups user-service answers with 503 (it is "down" for them). */
  const unavailableFor = new Set<string>();
  let userService: ScriptedHttpServer;
  let database: TestDatabase;
  let observer: EventObserver;
  let service: ServiceProcess;

  const publish = (envelope: EventEnvelope) =>
    observer.publishRaw(envelope.type, Buffer.from(JSON.stringify(envelope)));
  const address = (label: string) => `${label}-${randomUUID().slice(0, 8)}@example.test`;
  const emailsTo = (to: string, count = 1) =>
    waitFor(async () => ((await smtp.received(to)).length >= count ? smtp.received(to) : undefined), {
      timeoutMs: 15000,
      description: `${count} email(s) to ${to}`,
    });
  const deliveriesOf = async (userId: string): Promise<DeliveryResponse[]> => {
    const response = await fetch(`${service.url}/notifications/deliveries?userId=${userId}&channel=email`, {
      headers: { authorization: `Bearer ${tokens.admin()}` },
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as PageResponse<DeliveryResponse>).items;
  };
  const settledDelivery = (userId: string, status: DeliveryResponse['status']) =>
    waitFor(async () => (await deliveriesOf(userId)).find((delivery) => delivery.status === status), {
      timeoutMs: 15000,
      description: `an email delivery of ${userId} to be ${status}`,
    });
  const metric = async (name: string, labels: Record<string, string>) =>
    sumMetricSamples(await (await fetch(`${service.url}/metrics`)).text(), name, labels);
  const batch = (userId: string, body: unknown) =>
    fetch(`${service.url}/notifications/preferences/batch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.user({ userId })}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  /** Every row of every table of the service's database, as text, that contains `needle`. */
  const rowsContaining = async (needle: string) => {
    const tables = await database.query<{ name: string }>(
      `SELECT format('%I.%I', table_schema, table_name) AS name FROM information_schema.tables
       WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
    );
    expect(tables.map((table) => table.name)).toEqual(
      expect.arrayContaining(['public.notification_deliveries', 'public.outbox', 'public.notifications']),
    );
    const found: string[] = [];
    for (const { name } of tables) {
      const rows = await database.query<{ row: string }>(
        `SELECT t::text AS row FROM ${name} t WHERE t::text LIKE $1`,
        [`%${needle.replace(/[\\%_]/g, '\\$&')}%`],
      );
      found.push(...rows.map((row) => `${name}: ${row.row}`));
    }
    return found;
  };

  beforeAll(async () => {
    await smtp.start();
    userService = await ScriptedHttpServer.start((request) => answerUser(request, users, unavailableFor));
    database = await createTestDatabase('notification-service');
    observer = await EventObserver.connect(`${namespace}.events`);
    service = await ServiceProcess.start({
      service: 'notification-service',
      env: serviceEnvironment({
        databaseUrl: database.url,
        secrets,
        messagingNamespace: namespace,
        overrides: {
          EVENTS_CONSUMER_RETRY_DELAYS_MS: RETRY_DELAYS_MS.join(','),
          EMAIL_TRANSPORT: 'smtp',
          SMTP_URL: smtp.url,
          SMTP_TIMEOUT_MS: '2000',
          EMAIL_FROM: 'Cloudphone Test <no-reply@cloudphone.test>',
          PUBLIC_APP_URL,
          USER_SERVICE_URL: userService.url,
          // Deferred deliveries come back quickly, and a round outlasts a short user-service outage.
          EVENTS_RELAY_POLL_INTERVAL_MS: '100',
          EVENTS_RELAY_RETRY_INITIAL_DELAY_MS: '200',
          EVENTS_RELAY_RETRY_MAX_DELAY_MS: '1000',
          DELIVERY_MAX_ATTEMPTS: '20',
        },
      }),
    });
    await waitFor(() => service.logs.find((line) => line.msg === 'event consumer started'), {
      description: 'the event consumer to start',
    });
  });

  afterAll(async () => {
    await service?.stop();
    await observer?.cleanUp(consumerQueueNames(namespace, 'notification-service', RETRY_DELAYS_MS));
    await database?.drop();
    await userService?.close();
    await smtp.close();
  });

  it('emails the verification link once, with the exact token and the delivery id as Message-ID; no table keeps the token', async () => {
    const userId = randomUUID();
    const to = address('verify');
    // Characters a URL must encode (+ / =), so the link's encoding is checked too.
    const token = `${randomBytes(33).toString('base64')}+/=`;
    const event = envelope('user.email_verification_requested', {
      userId,
      tenantId: 'default',
      email: to,
      displayName: 'Ada Lovelace',
      token,
      expiresAt: '2026-03-01T12:30:00.000Z',
    });
    await publish(event);
    await publish(event);

    const [email] = await emailsTo(to);
    const delivery = await settledDelivery(userId, 'delivered');
    expect(delivery).toMatchObject({
      eventType: 'user.email_verification_requested',
      target: '',
      attempts: 1,
      round: 0,
    });
    expect(email.messageId).toBe(`<${delivery.id}@cloudphone.notifications>`);
    expect(email.headers.get('x-cloudphone-delivery')).toBe(delivery.id);
    expect(email.headers.get('auto-submitted')).toBe('auto-generated');
    expect((email.to as AddressObject).value).toEqual([{ address: to, name: 'Ada Lovelace' }]);
    expect(email.from?.value).toEqual([{ address: 'no-reply@cloudphone.test', name: 'Cloudphone Test' }]);
    expect(email.subject).toBe('Verify your email address');
    const link = `${PUBLIC_APP_URL}/verify-email?token=${encodeURIComponent(token)}`;
    expect(email.text).toContain(link);
    expect(email.html).toContain(`href="${link}"`);
    expect(new URL(link).searchParams.get('token')).toBe(token);
    expect(email.text).toContain('until March 1, 2026 at 12:30 PM UTC');

    // The second copy of the event is a duplicate: still one email.
    await waitFor(
      async () =>
        (await metric('cloudphone_events_consumed_total', {
          type: 'user.email_verification_requested',
          outcome: 'duplicate',
        })) >= 1,
      { description: 'the second copy to be recognised as a duplicate' },
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await smtp.received(to)).toHaveLength(1);

    // Settled: the sensitive record's content is gone; the outbox row only ever named the record.
    const [record] = await database.query<{ sensitive: boolean; payload: unknown }>(
      'SELECT sensitive, payload FROM notification_deliveries WHERE id = $1',
      [delivery.id],
    );
    expect(record).toEqual({ sensitive: true, payload: {} });
    const outbox = await database.query<{ data: unknown }>(
      `SELECT data FROM outbox WHERE destination = 'notification-email' AND data->>'deliveryId' = $1`,
      [delivery.id],
    );
    expect(outbox).toEqual([{ data: { deliveryId: delivery.id, round: 0 } }]);
    expect(await rowsContaining(token)).toEqual([]);
    expect(await rowsContaining(encodeURIComponent(token))).toEqual([]);
    const logs = JSON.stringify(service.logs);
    expect(logs).not.toContain(token);
    expect(logs).not.toContain(encodeURIComponent(token));
    expect(service.logs).toContainEqual(
      expect.objectContaining({
        msg: 'email sent',
        deliveryId: delivery.id,
        template: 'email_verification',
        locale: 'en',
      }),
    );
  });

  it('writes a security email in the locale the user chose, and refuses to switch it off', async () => {
    const userId = randomUUID();
    const to = address('changed');
    const setLocale = await batch(userId, { locale: 'de' });
    expect(setLocale.status).toBe(200);
    expect(await setLocale.json()).toMatchObject({ locale: 'de' });
    const switchOff = await batch(userId, {
      preferences: [{ eventType: 'user.password_changed', channel: 'email', enabled: false }],
    });
    expect(switchOff.status).toBe(422);
    expect(await switchOff.json()).toMatchObject({ code: 'PREFERENCE_LOCKED' });

    const displayName = 'Zoë "Z" Müller';
    await publish(
      envelope(
        'user.password_changed',
        { userId, tenantId: 'default', email: to, displayName },
        'user-service',
      ),
    );
    const [email] = await emailsTo(to);
    expect(email.subject).toBe('Ihr Passwort wurde geändert');
    expect(email.text).toContain(`Hallo ${displayName},`);
    expect(email.html).toContain('Hallo Zoë &quot;Z&quot; Müller,');
    expect((email.to as AddressObject).value).toEqual([{ address: to, name: displayName }]);
    await settledDelivery(userId, 'delivered');
    expect(
      await metric('cloudphone_notification_emails_sent_total', {
        template: 'password_changed',
        locale: 'de',
      }),
    ).toBe(1);
  });

  it('emails an invoice to the address user-service has, asked with the service token', async () => {
    const userId = randomUUID();
    const to = address('invoice');
    users.set(userId, { email: to, displayName: 'Grace', emailVerified: true, status: 'active' });
    await publish(envelope('billing.invoice_issued', invoiceIssuedData(userId), 'billing-service'));

    const [email] = await emailsTo(to);
    expect(email.subject).toBe('Invoice INV-202602-000001 for February 2026');
    expect(email.text).toContain('Hello Grace,');
    expect(email.text).toContain('USD 3.00 is due by March 15, 2026 at 12:00 AM UTC');
    const delivery = await settledDelivery(userId, 'delivered');
    expect(email.messageId).toBe(`<${delivery.id}@cloudphone.notifications>`);
    const lookups = userService.requests.filter((request) => request.url === `/users/${userId}`);
    expect(lookups.length).toBeGreaterThanOrEqual(1);
    expect(lookups[0]).toMatchObject({
      method: 'GET',
      headers: expect.objectContaining({ authorization: expect.stringMatching(/^Bearer /) }),
    });
  });

  it('sends nothing to a user user-service does not know, nor to an unverified or inactive one', async () => {
    const cases = [
      { userId: randomUUID(), user: undefined, reason: 'user_not_found' },
      {
        userId: randomUUID(),
        user: { emailVerified: false, status: 'active' as const },
        reason: 'email_not_verified',
      },
      {
        userId: randomUUID(),
        user: { emailVerified: true, status: 'suspended' as const },
        reason: 'user_not_active',
      },
    ];
    for (const { userId, user } of cases) {
      if (user) users.set(userId, { email: address('nobody'), displayName: 'Nobody', ...user });
      await publish(envelope('billing.balance_low', balanceLowData(userId), 'billing-service'));
    }
    for (const { userId, reason } of cases) {
      const delivery = await settledDelivery(userId, 'dead');
      expect(delivery).toMatchObject({ attempts: 1, lastError: `skipped: ${reason}` });
      const known = users.get(userId);
      if (known) expect(await smtp.received(known.email)).toEqual([]);
    }
  });

  it('retries after a 451 and delivers with the same Message-ID: two attempts on the record', async () => {
    const userId = randomUUID();
    const to = address('deferred');
    smtp.deferrals.set(to, 1);
    const lockedUntil = '2026-03-01T12:05:30.000Z';
    await publish(
      envelope(
        'user.locked_out',
        { userId, tenantId: 'default', email: to, displayName: 'Ada', lockedUntil },
        'user-service',
      ),
    );

    const [email] = await emailsTo(to);
    const delivery = await settledDelivery(userId, 'delivered');
    expect(delivery).toMatchObject({ attempts: 2, totalAttempts: 2, round: 0, lastError: null });
    const tried = await Promise.all(
      smtp.attempts.filter((attempt) => attempt.to === to).map((attempt) => simpleParser(attempt.raw)),
    );
    expect(tried.map((parsed) => parsed.messageId)).toEqual([
      `<${delivery.id}@cloudphone.notifications>`,
      `<${delivery.id}@cloudphone.notifications>`,
    ]);
    expect(email.subject).toBe('Your account is locked');
    expect(email.text).toContain('until March 1, 2026 at 12:06 PM UTC');
    expect(
      await metric('cloudphone_notification_emails_failed_total', {
        code: 'SMTP_DEFERRED',
        permanent: 'false',
      }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('dead-letters a 550 at once and never tries again', async () => {
    const userId = randomUUID();
    const to = address('gone');
    smtp.rejected.add(to);
    await publish(
      envelope(
        'user.password_changed',
        { userId, tenantId: 'default', email: to, displayName: 'Gone' },
        'user-service',
      ),
    );

    const delivery = await settledDelivery(userId, 'dead');
    expect(delivery).toMatchObject({ attempts: 1, totalAttempts: 1, deliveredAt: null });
    expect(delivery.lastError).toMatch(/^SMTP_REJECTED: .*550/);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(smtp.rcptTo.filter((rcpt) => rcpt === to)).toHaveLength(1);
    expect((await deliveriesOf(userId)).map((d) => [d.status, d.attempts])).toEqual([['dead', 1]]);
    // The server's reply named the address; neither the record nor the logs keep it.
    expect(delivery.lastError).toContain('<address>');
    expect(delivery.lastError).not.toContain(to);
    expect(JSON.stringify(service.logs)).not.toContain(to);
  });

  it('keeps trying while user-service is down and delivers once it answers', async () => {
    const userId = randomUUID();
    const to = address('outage');
    users.set(userId, { email: to, displayName: 'Ada', emailVerified: true, status: 'active' });
    unavailableFor.add(userId);
    await publish(envelope('billing.payment_succeeded', paymentSucceededData(userId), 'billing-service'));

    const pending = await waitFor(
      async () =>
        (await deliveriesOf(userId)).find((delivery) =>
          delivery.lastError?.startsWith('USER_SERVICE_UNAVAILABLE'),
        ),
      { timeoutMs: 15000, description: 'a failed attempt while user-service is down' },
    );
    expect(pending.status).toBe('pending');
    unavailableFor.delete(userId);

    const [email] = await emailsTo(to);
    expect(email.subject).toBe('Payment received');
    const delivered = await settledDelivery(userId, 'delivered');
    expect(delivered.attempts).toBeGreaterThanOrEqual(2);
    expect(email.messageId).toBe(`<${delivered.id}@cloudphone.notifications>`);
  });

  it('refuses to start with EMAIL_TRANSPORT=smtp and no SMTP_URL, naming SMTP_URL', async () => {
    const env = serviceEnvironment({
      databaseUrl: database.url,
      secrets,
      overrides: { EMAIL_TRANSPORT: 'smtp', USER_SERVICE_URL: userService.url },
    });
    const child = spawn(
      process.execPath,
      [join(repositoryRoot(), 'dist/apps/notification-service/src/main.js')],
      {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).not.toBe(0);
    expect(output).toContain('SMTP_URL is required when EMAIL_TRANSPORT=smtp');
  });
});

/** user-service's GET users/:id as the stand-in knows them; 503 while "down" for a user. */
function answerUser(request: RecordedRequest, users: Map<string, KnownUser>, unavailableFor: Set<string>) {
  const match = /^\/users\/([0-9a-f-]{36})$/.exec(request.url);
  if (request.method !== 'GET' || !match)
    return { status: 404, body: { code: 'NOT_FOUND', message: 'no route' } };
  const id = match[1];
  if (unavailableFor.has(id))
    return { status: 503, body: { code: 'NOT_READY', message: 'down for maintenance' } };
  const user = users.get(id);
  if (!user) return { status: 404, body: { code: 'USER_NOT_FOUND', message: 'no such user' } };
  return {
    status: 200,
    body: {
      id,
      tenantId: 'default',
      username: null,
      roles: ['user'],
      tier: 'standard',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      ...user,
    },
  };
}
