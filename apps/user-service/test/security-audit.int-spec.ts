import { randomUUID } from 'node:crypto';
import {
  type LoginStatsResponse,
  SERVICE_CATALOG,
  type SecurityAuditEventResponse,
  USER_ROUTES,
} from '@cloudphone/contracts';
import type { Page } from '@cloudphone/shared';
import { InProcessService, manualCronRunContext, waitFor } from '@cloudphone/shared/testing';
import { AppModule } from '../src/app.module';
import { UserServiceConfig } from '../src/config/user-service.config';
import { LoginStatsRefreshJob } from '../src/modules/audit/jobs/login-stats-refresh.job';

// The security audit log's read side against real Postgres: the login statistics view and the job
// refreshing it, a user's own login history, and the admin audit log with its filters and access.

type AuditPage = Page<SecurityAuditEventResponse>;

const DAY = 86_400_000;
const utcDay = (at: Date) => at.toISOString().slice(0, 10);

describe('user-service security audit reads', () => {
  let app: InProcessService;
  const alice = randomUUID();
  const bob = randomUUID();
  const today = new Date();
  const yesterday = new Date(today.getTime() - DAY);

  beforeAll(async () => {
    app = await InProcessService.start({
      service: SERVICE_CATALOG.user.name,
      configClass: UserServiceConfig,
      rootModule: (config) => AppModule.forRoot(config),
      observe: 'user.#',
    });
    const rows: Array<[string, string | null, Date]> = [
      ['login.succeeded', alice, yesterday],
      ['login.failed', alice, yesterday],
      ['login.failed', alice, today],
      ['login.locked', alice, today],
      ['login.succeeded', alice, today],
      ['password.changed', alice, today],
      ['login.succeeded', bob, today],
      ['login.failed', null, today],
      // Outside the view's 90 days.
      ['login.succeeded', bob, new Date(today.getTime() - 120 * DAY)],
    ];
    for (const [event, userId, at] of rows) {
      await app.db.query(
        `INSERT INTO security_audit_events (event, user_id, occurred_at, ip) VALUES ($1, $2, $3, '198.51.100.7')`,
        [event, userId, at],
      );
    }
  });

  afterAll(async () => {
    await app?.close();
  });

  describe('GET /auth/login-stats', () => {
    it('answers from the view as of its last refresh, which login-stats-refresh brings up to date', async () => {
      const before = await app.admin.get(USER_ROUTES.loginStats).expect(200);
      expect((before.body as LoginStatsResponse).days).toEqual([]);

      await app.get(LoginStatsRefreshJob).refresh(manualCronRunContext());

      const after = await app.admin.get(USER_ROUTES.loginStats).expect(200);
      expect((after.body as LoginStatsResponse).days).toEqual([
        { day: utcDay(yesterday), succeeded: 1, failed: 1, lockouts: 0, distinctUsers: 1 },
        { day: utcDay(today), succeeded: 2, failed: 2, lockouts: 1, distinctUsers: 2 },
      ]);
    });

    it('is refreshed by the registered cron job when triggered through /internal/cron', async () => {
      // At `today`, not now(): a run crossing midnight UTC would put it on the next day.
      await app.db.query(
        `INSERT INTO security_audit_events (event, user_id, occurred_at) VALUES ('login.locked', $1, $2)`,
        [bob, today],
      );
      const listing = await app.admin.get('internal/cron').expect(200);
      expect((listing.body as { jobs: unknown[] }).jobs).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: 'login-stats-refresh', expression: '*/5 * * * *', disabled: true }),
          expect.objectContaining({ name: 'partition-manager', expression: '15 2 * * *', disabled: true }),
        ]),
      );

      await app.admin.post('internal/cron/login-stats-refresh/trigger').expect(202);

      await waitFor(
        async () => {
          const answer = await app.admin.get(USER_ROUTES.loginStats).expect(200);
          const days = (answer.body as LoginStatsResponse).days;
          return days.find((day) => day.day === utcDay(today))?.lockouts === 2;
        },
        { description: 'the triggered refresh' },
      );
    });

    it('is for admins only: 403 for a user, 401 without a token', async () => {
      const answer = await app.user(alice).get(USER_ROUTES.loginStats).expect(403);
      expect(answer.body.code).toBe('FORBIDDEN');
      await app.http.get(`/${USER_ROUTES.loginStats}`).expect(401);
    });
  });

  describe('GET /auth/login-history', () => {
    it("shows the caller's own login events only, newest first, paged", async () => {
      const answer = await app.user(alice).get(`${USER_ROUTES.loginHistory}?limit=3`).expect(200);
      const page = answer.body as AuditPage;
      expect(page).toMatchObject({ page: 1, limit: 3, total: 5, totalPages: 2 });
      expect(page.items.every((item) => item.userId === alice && item.event.startsWith('login.'))).toBe(true);
      const times = page.items.map((item) => item.occurredAt);
      expect(times).toEqual([...times].sort().reverse());
      expect(page.items[0]).toMatchObject({ ip: '198.51.100.7', details: {} });

      const failed = await app.user(alice).get(`${USER_ROUTES.loginHistory}?event=login.failed`).expect(200);
      expect((failed.body as AuditPage).total).toBe(2);
      const since = await app
        .user(alice)
        .get(`${USER_ROUTES.loginHistory}?occurredFrom=${utcDay(today)}T00:00:00Z`)
        .expect(200);
      expect((since.body as AuditPage).total).toBe(3);
    });

    it('refuses other events and unknown parameters with 400, and a service token with 403', async () => {
      const other = await app
        .user(alice)
        .get(`${USER_ROUTES.loginHistory}?event=password.changed`)
        .expect(400);
      expect(other.body.code).toBe('VALIDATION_FAILED');
      const unknown = await app.user(alice).get(`${USER_ROUTES.loginHistory}?userId=${bob}`).expect(400);
      expect(unknown.body.code).toBe('VALIDATION_FAILED');
      const service = await app.as(app.tokens.service()).get(USER_ROUTES.loginHistory).expect(403);
      expect(service.body.code).toBe('FORBIDDEN');
    });
  });

  describe('GET /auth/audit-log', () => {
    it('lists every event for admins, filtered by user, event and time', async () => {
      const all = await app.admin.get(`${USER_ROUTES.auditLog}?limit=100`).expect(200);
      expect((all.body as AuditPage).total).toBe(10);

      const ofAlice = await app.admin.get(`${USER_ROUTES.auditLog}?userId=${alice}`).expect(200);
      expect((ofAlice.body as AuditPage).total).toBe(6);
      const changes = await app.admin
        .get(`${USER_ROUTES.auditLog}?userId=${alice}&event=password.changed`)
        .expect(200);
      expect((changes.body as AuditPage).items).toEqual([
        expect.objectContaining({ event: 'password.changed', userId: alice }),
      ]);
      const window = await app.admin
        .get(
          `${USER_ROUTES.auditLog}?occurredFrom=${utcDay(new Date(today.getTime() - 200 * DAY))}` +
            `&occurredTo=${utcDay(new Date(today.getTime() - 100 * DAY))}`,
        )
        .expect(200);
      expect((window.body as AuditPage).items).toEqual([expect.objectContaining({ userId: bob })]);
    });

    it('refuses users (403) and malformed filters (400)', async () => {
      await app.user(alice).get(USER_ROUTES.auditLog).expect(403);
      const badUser = await app.admin.get(`${USER_ROUTES.auditLog}?userId=not-a-uuid`).expect(400);
      expect(badUser.body.code).toBe('VALIDATION_FAILED');
      const badEvent = await app.admin.get(`${USER_ROUTES.auditLog}?event=login.hacked`).expect(400);
      expect(badEvent.body.code).toBe('VALIDATION_FAILED');
      const badSort = await app.admin.get(`${USER_ROUTES.auditLog}?sort=ip`).expect(400);
      expect(badSort.body.code).toBe('VALIDATION_FAILED');
    });
  });
});
