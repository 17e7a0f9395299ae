import { createHash, randomUUID } from 'node:crypto';
import type { LoginResponse, UserResponse } from '@cloudphone/contracts';
import { waitFor } from '@cloudphone/shared/testing';
import { UserServiceHarness } from './user-service.harness';

// Sign-up, email verification, username login, lockout, password change and reset, against the
// built user-service, real Postgres, and the events it publishes through RabbitMQ.

type ErrorBody = { code: string; message: string; details?: Record<string, unknown> };
type Answer = UserResponse & LoginResponse & ErrorBody;

const MAX_FAILURES = 3;
// Longer than the 8 concurrent scrypt checks of the lockout test take on a loaded machine (a
// 2-second lock ran out before the last of them in a CI run, which then counted again as 401s);
// the test ends the lock by moving it into the past instead of waiting it out.
const LOCKOUT_SECONDS = 60;

describe('user-service self-service accounts', () => {
  let service: UserServiceHarness;

  beforeAll(async () => {
    service = await UserServiceHarness.start({
      LOGIN_MAX_FAILURES: String(MAX_FAILURES),
      LOGIN_LOCKOUT_SECONDS: String(LOCKOUT_SECONDS),
      SIGNUP_DEFAULT_TIER: 'standard',
      // Each request names its own client address, as an ingress would, so the per-IP sign-up
      // limit (10 an hour) does not end the file early; the per-email limit is tested below.
      TRUST_PROXY: 'loopback',
    });
  });

  afterAll(async () => {
    await service?.close();
  });

  afterEach(() => {
    expect(service.errorLogs()).toEqual([]);
  });

  let clients = 0;
  const post = (path: string, body: unknown, token?: string) => {
    clients += 1;
    const ip = `10.${(clients >> 16) & 255}.${(clients >> 8) & 255}.${clients & 255}`;
    return service.request<Answer>('POST', path, { body, token, headers: { 'x-forwarded-for': ip } });
  };
  const unique = () => randomUUID().slice(0, 8);
  const auditOf = async (userId: string) =>
    (
      await service.database.query<{ event: string }>(
        'SELECT event FROM security_audit_events WHERE user_id = $1 ORDER BY occurred_at, event',
        [userId],
      )
    ).map((row) => row.event);

  /** The `data` of the events of one type about one user, as they reached RabbitMQ. */
  const eventsOf = (type: string, userId: string) =>
    service.events.received
      .filter(
        ({ envelope }) => envelope.type === type && (envelope.data as { userId?: string }).userId === userId,
      )
      .map(({ envelope }) => envelope.data as Record<string, string>);
  const tokenFrom = async (type: string, userId: string, count = 1) => {
    const events = await waitFor(() => eventsOf(type, userId).length >= count && eventsOf(type, userId), {
      timeoutMs: 10_000,
      description: `${count} × ${type}`,
    });
    return events[count - 1].token;
  };

  const register = async (fields: Partial<{ email: string; username: string; password: string }> = {}) => {
    const id = unique();
    const body = {
      email: fields.email ?? `signup-${id}@example.com`,
      username: fields.username ?? `user_${id}`,
      password: fields.password ?? 'a-long-enough-password',
      displayName: 'Signed Up',
    };
    const answer = await post('auth/register', body);
    expect(answer.status).toBe(201);
    return { ...body, user: answer.body };
  };

  const activeUser = async () => {
    const account = await register();
    const token = await tokenFrom('user.email_verification_requested', account.user.id);
    expect((await post('auth/verify-email', { token })).status).toBe(200);
    return account;
  };

  describe('sign-up and verification', () => {
    it('creates a pending user with the default tier, emails a token stored only as its hash, and activates on redemption', async () => {
      const account = await register();
      expect(account.user).toMatchObject({
        email: account.email,
        username: account.username,
        status: 'pending',
        emailVerified: false,
        tier: 'standard',
        roles: ['user'],
      });

      const token = await tokenFrom('user.email_verification_requested', account.user.id);
      expect(eventsOf('user.registered', account.user.id)).toEqual([
        { userId: account.user.id, tenantId: 'default', tier: 'standard' },
      ]);
      const [stored] = await service.database.query<{ token_hash: Buffer; purpose: string }>(
        'SELECT token_hash, purpose FROM user_tokens WHERE user_id = $1',
        [account.user.id],
      );
      expect(stored.purpose).toBe('email_verification');
      expect(stored.token_hash.equals(createHash('sha256').update(token).digest())).toBe(true);

      const pendingLogin = await post('auth/login', { email: account.email, password: account.password });
      expect(pendingLogin).toMatchObject({ status: 403, body: { code: 'EMAIL_NOT_VERIFIED' } });

      const verified = await post('auth/verify-email', { token });
      expect(verified).toMatchObject({ status: 200, body: { status: 'active', emailVerified: true } });
      const again = await post('auth/verify-email', { token });
      expect(again).toMatchObject({ status: 400, body: { code: 'TOKEN_INVALID' } });
      await waitFor(() => eventsOf('user.verified', account.user.id).length === 1, {
        timeoutMs: 10_000,
        description: 'user.verified',
      });

      const byUsername = await post('auth/login', {
        username: account.username.toUpperCase(),
        password: account.password,
      });
      expect(byUsername).toMatchObject({ status: 200, body: { user: { id: account.user.id } } });
      const byEmail = await post('auth/login', { email: account.email, password: account.password });
      expect(byEmail.status).toBe(200);
      expect(await auditOf(account.user.id)).toEqual(
        expect.arrayContaining(['user.registered', 'user.verified', 'login.failed', 'login.succeeded']),
      );
      const quota = await service.request('GET', `quotas/${account.user.id}`, {
        token: byEmail.body.accessToken,
      });
      expect(quota.body).toMatchObject({ limits: { devices: 3 } });
    });

    it('verifies once when the same token is redeemed by many requests at once', async () => {
      const account = await register();
      const token = await tokenFrom('user.email_verification_requested', account.user.id);
      const answers = await Promise.all(
        Array.from({ length: 12 }, () => post('auth/verify-email', { token })),
      );
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, ...Array(11).fill(400)]);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(eventsOf('user.verified', account.user.id)).toHaveLength(1);
    });

    it('answers a taken email or username with 409 and writes nothing', async () => {
      const account = await register();
      const users = await service.count('users');
      const sameEmail = await post('auth/register', {
        email: account.email.toUpperCase(),
        password: 'a-long-enough-password',
        displayName: 'Copy',
      });
      const sameUsername = await post('auth/register', {
        email: `other-${unique()}@example.com`,
        username: account.username.toUpperCase(),
        password: 'a-long-enough-password',
        displayName: 'Copy',
      });
      expect(sameEmail).toMatchObject({ status: 409, body: { code: 'EMAIL_TAKEN' } });
      expect(sameUsername).toMatchObject({ status: 409, body: { code: 'USERNAME_TAKEN' } });
      expect(await service.count('users')).toBe(users);
    });

    it('refuses hostile sign-ups with a 400 that writes nothing', async () => {
      const users = await service.count('users');
      // Each body has its own address, so the per-email limit does not answer first.
      const base = () => ({
        email: `h-${unique()}@example.com`,
        password: 'a-long-enough-password',
        displayName: 'H',
      });
      const hostile: unknown[] = [
        { ...base(), displayName: 'nul\u0000byte' },
        { ...base(), username: 'constructor\u0000' },
        { ...base(), username: 'a@b.example' },
        { ...base(), email: 'not-an-email' },
        { ...base(), password: 'short' },
        { ...base(), status: 'active' },
        { ...base(), roles: ['admin'] },
        { ...base(), username: ['array'] },
        { ...base(), displayName: 'x'.repeat(10_000) },
      ];
      const answers = await Promise.all(hostile.map((body) => post('auth/register', body)));
      const protoPollution = await service.request<ErrorBody>('POST', 'auth/register', {
        rawBody: `{"__proto__":{"roles":["admin"]},"email":"p-${unique()}@example.com","password":"a-long-enough-password","displayName":"P"}`,
        headers: { 'x-forwarded-for': '10.255.0.1' },
      });
      expect([...answers, protoPollution].map((answer) => [answer.status, answer.body.code])).toEqual(
        [...hostile, protoPollution].map(() => [400, 'VALIDATION_FAILED']),
      );
      expect(await service.count('users')).toBe(users);
    });

    it('limits sign-ups per email address: the fourth attempt in an hour is 429', async () => {
      const email = `limited-${unique()}@example.com`;
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 4; attempt += 1) {
        const answer = await post('auth/register', {
          email,
          password: 'a-long-enough-password',
          displayName: 'L',
        });
        statuses.push(answer.status);
      }
      expect(statuses).toEqual([201, 409, 409, 429]);
    });

    it('resends a verification email only to pending accounts, and the earlier token stops working', async () => {
      const account = await register();
      const first = await tokenFrom('user.email_verification_requested', account.user.id);
      expect(await post('auth/verify-email/resend', { email: account.email })).toMatchObject({
        status: 202,
        body: { accepted: true },
      });
      expect(
        await post('auth/verify-email/resend', { email: `nobody-${unique()}@example.com` }),
      ).toMatchObject({
        status: 202,
        body: { accepted: true },
      });
      const second = await tokenFrom('user.email_verification_requested', account.user.id, 2);
      expect((await post('auth/verify-email', { token: first })).body.code).toBe('TOKEN_INVALID');
      expect((await post('auth/verify-email', { token: second })).status).toBe(200);
    });
  });

  describe('login with lockout', () => {
    it('locks after repeated failures with 429 and Retry-After, once under concurrency, and lets the owner back in after it', async () => {
      const account = await activeUser();
      const wrong = () => post('auth/login', { username: account.username, password: 'wrong-password!' });

      const answers = await Promise.all(Array.from({ length: 8 }, wrong));
      const statuses = answers.map((answer) => answer.status);
      expect(statuses.filter((status) => status === 401)).toHaveLength(MAX_FAILURES - 1);
      expect(statuses.filter((status) => status === 429)).toHaveLength(8 - (MAX_FAILURES - 1));
      const locked = answers.find((answer) => answer.status === 429)!;
      expect(locked.body).toMatchObject({ code: 'ACCOUNT_LOCKED' });

      const rightWhileLocked = await fetch(`${service.url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: account.email, password: account.password }),
      });
      expect(rightWhileLocked.status).toBe(429);
      expect(Number(rightWhileLocked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(rightWhileLocked.headers.get('retry-after'))).toBeLessThanOrEqual(LOCKOUT_SECONDS);

      const audit = await auditOf(account.user.id);
      expect(audit.filter((event) => event === 'login.locked')).toHaveLength(1);
      await waitFor(() => eventsOf('user.locked_out', account.user.id).length === 1, {
        timeoutMs: 10_000,
        description: 'one user.locked_out',
      });

      await service.database.query(
        `UPDATE users SET locked_until = now() - interval '1 second' WHERE id = $1`,
        [account.user.id],
      );
      expect((await post('auth/login', { email: account.email, password: account.password })).status).toBe(
        200,
      );
    });

    it('refuses a login naming both or neither of email and username', async () => {
      const both = await post('auth/login', { email: 'a@example.com', username: 'abc', password: 'x' });
      const neither = await post('auth/login', { password: 'x' });
      expect([both.status, both.body.code, neither.status, neither.body.code]).toEqual([
        400,
        'VALIDATION_FAILED',
        400,
        'VALIDATION_FAILED',
      ]);
    });
  });

  describe('passwords', () => {
    it('resets with the latest emailed token only, once, and answers unknown emails the same', async () => {
      const account = await activeUser();
      const unknown = await post('auth/forgot-password', { email: `nobody-${unique()}@example.com` });
      expect(unknown).toMatchObject({ status: 202, body: { accepted: true } });

      expect((await post('auth/forgot-password', { email: account.email })).status).toBe(202);
      expect((await post('auth/forgot-password', { email: account.email.toUpperCase() })).status).toBe(202);
      const first = await tokenFrom('user.password_reset_requested', account.user.id, 1);
      const second = await tokenFrom('user.password_reset_requested', account.user.id, 2);

      const stale = await post('auth/reset-password', { token: first, newPassword: 'a-brand-new-password' });
      expect(stale).toMatchObject({ status: 400, body: { code: 'TOKEN_INVALID' } });
      const crossPurpose = await post('auth/verify-email', { token: second });
      expect(crossPurpose.body.code).toBe('TOKEN_INVALID');
      expect(
        (await post('auth/reset-password', { token: second, newPassword: 'a-brand-new-password' })).status,
      ).toBe(204);
      const reused = await post('auth/reset-password', {
        token: second,
        newPassword: 'yet-another-password',
      });
      expect(reused.body.code).toBe('TOKEN_INVALID');

      expect((await post('auth/login', { email: account.email, password: account.password })).status).toBe(
        401,
      );
      expect(
        (await post('auth/login', { email: account.email, password: 'a-brand-new-password' })).status,
      ).toBe(200);
      await waitFor(() => eventsOf('user.password_changed', account.user.id).length === 1, {
        timeoutMs: 10_000,
        description: 'user.password_changed',
      });
      expect(await auditOf(account.user.id)).toEqual(
        expect.arrayContaining(['password.reset_requested', 'password.reset']),
      );
    });

    it('activates a pending account through a reset: the emailed token proves the address', async () => {
      const account = await register();
      await post('auth/forgot-password', { email: account.email });
      const token = await tokenFrom('user.password_reset_requested', account.user.id);
      expect((await post('auth/reset-password', { token, newPassword: 'the-owner-password' })).status).toBe(
        204,
      );
      const login = await post('auth/login', { email: account.email, password: 'the-owner-password' });
      expect(login).toMatchObject({ status: 200, body: { user: { status: 'active', emailVerified: true } } });
    });

    it('changes the password given the current one; a wrong one is 403 and counts as a failure', async () => {
      const account = await activeUser();
      const session = (await post('auth/login', { email: account.email, password: account.password })).body;

      const wrong = await post(
        'auth/change-password',
        { currentPassword: 'not-the-password', newPassword: 'a-changed-password' },
        session.accessToken,
      );
      expect(wrong).toMatchObject({ status: 403, body: { code: 'INVALID_CURRENT_PASSWORD' } });
      const same = await post(
        'auth/change-password',
        { currentPassword: account.password, newPassword: account.password },
        session.accessToken,
      );
      expect(same.status).toBe(400);
      const changed = await post(
        'auth/change-password',
        { currentPassword: account.password, newPassword: 'a-changed-password' },
        session.accessToken,
      );
      expect(changed.status).toBe(204);
      expect(
        (await post('auth/login', { email: account.email, password: 'a-changed-password' })).status,
      ).toBe(200);
      const byService = await post(
        'auth/change-password',
        { currentPassword: 'a-changed-password', newPassword: 'another-password' },
        service.tokens.service(),
      );
      expect(byService.status).toBe(403);
      expect(await auditOf(account.user.id)).toEqual(expect.arrayContaining(['password.changed']));
    });
  });
});
