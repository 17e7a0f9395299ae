import type {
  AllocationExtensionResponse,
  AllocationResponse,
  CheckReservationConflictResponse,
  ExtendInfoResponse,
  ReservationResponse,
} from '@cloudphone/contracts';
import { manualCronRunContext, uniqueTestId, waitFor } from '@cloudphone/shared/testing';
import { ActivateReservationsJob } from '../src/modules/allocations/reservations/jobs/activate-reservations.job';
import { ExpireReservationsJob } from '../src/modules/allocations/reservations/jobs/expire-reservations.job';
import { RemindReservationsJob } from '../src/modules/allocations/reservations/jobs/remind-reservations.job';
import { type Answer, SchedulerTestApp, uniqueRegion } from './scheduler-test-app';

const MINUTE = 60_000;
const region = (label: string) => uniqueRegion(`res-${label}`);

// Reservations (§5) against real user-service, billing-service and servers, with the test's clock
// (reset to the real time before each test: the allocate claim reads the database clock).
describe('reservations', () => {
  let app: SchedulerTestApp;

  beforeAll(async () => {
    app = await SchedulerTestApp.start({ RESERVATION_CANCELLATION_FEE_PERCENT: '50' });
  }, 120_000);

  beforeEach(() => app.clock.set(new Date(Math.floor(Date.now() / 1000) * 1000)));

  afterAll(async () => {
    await app?.close();
  }, 60_000);

  const inMinutes = (minutes: number) =>
    new Date(app.clock.current().getTime() + minutes * MINUTE).toISOString();

  function book(token: string, body: Record<string, unknown>, key?: string) {
    return app.request<Answer<ReservationResponse>>('POST', 'scheduler/reservations', {
      token,
      body,
      headers: key ? { 'idempotency-key': key } : {},
    });
  }

  async function slotRow(id: string) {
    const [row] = await app.query<{ status: string; ended_at: Date | null }>(
      'SELECT status, ended_at FROM device_allocations WHERE id = $1',
      [id],
    );
    return row;
  }

  it('books a spec, takes the quota, replays a resent key, and cancels with the quota back', async () => {
    const place = region('b');
    await app.addDevices(2, { region: place });
    const user = await app.createUser({ tier: 'standard' });
    const key = uniqueTestId('key');
    const body = {
      requirements: { region: place },
      startAt: inMinutes(120),
      endAt: inMinutes(180),
      note: 'nightly',
    };

    const booked = await book(user.token, body, key);
    expect(booked.status).toBe(201);
    expect(booked.body).toMatchObject({
      status: 'confirmed',
      userId: user.id,
      durationMinutes: 60,
      note: 'nightly',
    });
    expect(await slotRow(booked.body.id)).toEqual({ status: 'reserved', ended_at: null });
    expect((await app.quotaUsage(user.id)).devices).toBe(1);

    const again = await book(user.token, body, key);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(booked.body.id);
    expect((await book(user.token, { ...body, note: 'other' }, key)).body.code).toBe(
      'IDEMPOTENCY_KEY_REUSED',
    );

    const listed = await app.request<{ items: ReservationResponse[] }>('GET', 'scheduler/reservations', {
      token: user.token,
    });
    expect(listed.body.items.map((item) => item.id)).toEqual([booked.body.id]);
    const summary = await app.request<{ byStatus: Record<string, number>; bookedMinutes: number }>(
      'GET',
      'scheduler/reservations/stats/summary',
      { token: user.token },
    );
    expect(summary.body).toMatchObject({ byStatus: { confirmed: 1 }, bookedMinutes: 60 });
    // A reservation is not an allocation until it starts.
    const asAllocation = await app.request('GET', `scheduler/allocations/${booked.body.id}`, {
      token: user.token,
    });
    expect(asAllocation.status).toBe(404);

    const cancelled = await app.request<ReservationResponse>(
      'POST',
      `scheduler/reservations/${booked.body.id}/cancel`,
      {
        token: user.token,
        body: { reason: 'moved to Friday' },
      },
    );
    expect(cancelled.body).toMatchObject({
      status: 'cancelled',
      cancelReason: 'moved to Friday',
      cancellationFeeSeconds: 0,
    });
    expect(await slotRow(booked.body.id)).toMatchObject({ status: 'cancelled' });
    expect((await app.quotaUsage(user.id)).devices).toBe(0);
    const repeated = await app.request('POST', `scheduler/reservations/${booked.body.id}/cancel`, {
      token: user.token,
      body: {},
    });
    expect(repeated.status).toBe(200);
    await waitFor(
      () =>
        ['reservation.confirmed', 'reservation.cancelled'].every((type) =>
          app.fleet.observer.received.some(
            ({ envelope }) =>
              envelope.type === type &&
              (envelope.data as { reservationId: string }).reservationId === booked.body.id,
          ),
        ),
      { description: 'reservation.confirmed and reservation.cancelled' },
    );
  });

  it('never lets two bookings, or a booking and an allocation or extension, overlap on a device', async () => {
    const place = region('o');
    const [device] = await app.addDevices(1, { region: place });
    const user = await app.createUser({ tier: 'pro' });

    // 30 overlapping bookings of one device at once: the database lets exactly the disjoint ones in.
    const attempts = Array.from({ length: 30 }, (_, index) =>
      book(user.token, {
        deviceId: device,
        startAt: inMinutes(60 + (index % 6) * 10),
        endAt: inMinutes(80 + (index % 6) * 10),
      }),
    );
    const answers = await Promise.all(attempts);
    const won = answers.filter((answer) => answer.status === 201).map((answer) => answer.body);
    for (const lost of answers.filter((answer) => answer.status !== 201)) {
      expect(['RESERVATION_CONFLICT', 'QUOTA_EXCEEDED']).toContain(lost.body.code);
    }
    expect(won.length).toBeGreaterThanOrEqual(1);
    const [{ overlaps }] = await app.query<{ overlaps: string }>(
      `SELECT count(*) AS overlaps FROM device_allocations a JOIN device_allocations b
         ON a.device_id = b.device_id AND a.id < b.id AND a.period && b.period
       WHERE a.device_id = $1 AND a.ended_at IS NULL AND b.ended_at IS NULL`,
      [device],
    );
    expect(overlaps).toBe('0');
    const first = won.sort((a, b) => a.startAt.localeCompare(b.startAt))[0];

    const check = await app.request<CheckReservationConflictResponse>(
      'POST',
      'scheduler/reservations/check-conflict',
      {
        token: user.token,
        body: { deviceId: device, startAt: first.startAt, endAt: first.endAt },
      },
    );
    expect(check.body).toMatchObject({
      available: false,
      freeDevices: 0,
      conflicts: [{ kind: 'reservation', startsAt: first.startAt }],
    });

    // An allocation now must end before the first reservation starts.
    const minutesBefore = Math.floor((Date.parse(first.startAt) - Date.now()) / MINUTE);
    const tooLong = await app.request<Answer<AllocationResponse>>('POST', 'scheduler/devices/allocate', {
      token: user.token,
      body: { durationMinutes: minutesBefore + 5, requirements: { region: place } },
    });
    expect(tooLong).toMatchObject({ status: 409, body: { code: 'NO_DEVICE_AVAILABLE' } });
    const fits = await app.request<AllocationResponse>('POST', 'scheduler/devices/allocate', {
      token: user.token,
      body: { durationMinutes: minutesBefore - 20, requirements: { region: place } },
    });
    expect(fits.status).toBe(201);

    // Extending it into the reservation is refused, naming it and the latest end possible.
    app.clock.set(new Date(Date.parse(fits.body.expiresAt) - 10 * MINUTE));
    const info = await app.request<ExtendInfoResponse>(
      'GET',
      `scheduler/allocations/${fits.body.id}/extend-info`,
      {
        token: user.token,
      },
    );
    const gap = Math.floor((Date.parse(first.startAt) - Date.parse(fits.body.expiresAt)) / MINUTE);
    expect(info.body).toMatchObject({
      extendable: true,
      maxAdditionalMinutes: gap,
      nextClaim: { id: first.id },
    });
    const extend = await app.request<Answer<AllocationExtensionResponse>>(
      'PUT',
      `scheduler/allocations/${fits.body.id}/extend`,
      {
        token: user.token,
        body: { additionalMinutes: gap + 1 },
        headers: { 'idempotency-key': uniqueTestId('k') },
      },
    );
    expect(extend).toMatchObject({
      status: 409,
      body: {
        code: 'EXTENSION_CONFLICT',
        details: { conflictingReservationId: first.id, latestEnd: first.startAt },
      },
    });
    const upToIt = await app.request<AllocationExtensionResponse>(
      'PUT',
      `scheduler/allocations/${fits.body.id}/extend`,
      {
        token: user.token,
        body: { additionalMinutes: gap },
        headers: { 'idempotency-key': uniqueTestId('k') },
      },
    );
    expect(upToIt.status).toBe(200);
    await app.request('POST', 'scheduler/devices/release', {
      token: user.token,
      body: { allocationId: fits.body.id },
    });
  });

  it('becomes the allocation at its start exactly once, is billed from there, and reminds first', async () => {
    const place = region('a');
    await app.addDevices(1, { region: place });
    const user = await app.createUser({ tier: 'pro' });
    const booked = await book(user.token, {
      requirements: { region: place },
      startAt: inMinutes(30),
      endAt: inMinutes(50),
    });
    expect(booked.status).toBe(201);

    app.clock.advance(16 * MINUTE);
    await app.get(RemindReservationsJob).remind(manualCronRunContext());
    expect(
      (
        await app.query('SELECT reminded_at IS NOT NULL AS reminded FROM device_reservations WHERE id = $1', [
          booked.body.id,
        ])
      )[0],
    ).toEqual({ reminded: true });

    app.clock.advance(14 * MINUTE);
    await Promise.all([
      app.get(ActivateReservationsJob).activate(manualCronRunContext()),
      app.get(ActivateReservationsJob).activate(manualCronRunContext()),
    ]);
    const allocation = await app.request<AllocationResponse>(
      'GET',
      `scheduler/allocations/${booked.body.id}`,
      {
        token: user.token,
      },
    );
    expect(allocation.body).toMatchObject({
      status: 'active',
      startedAt: booked.body.startAt,
      expiresAt: booked.body.endAt,
    });
    const reservation = await app.request<ReservationResponse>(
      'GET',
      `scheduler/reservations/${booked.body.id}`,
      {
        token: user.token,
      },
    );
    expect(reservation.body.status).toBe('active');

    app.clock.advance(5 * MINUTE + 500);
    const released = await app.request<AllocationResponse>('POST', 'scheduler/devices/release', {
      token: user.token,
      body: { allocationId: booked.body.id },
    });
    expect(released.body).toMatchObject({ status: 'released', billedSeconds: 301 });
    const after = await app.request<ReservationResponse>('GET', `scheduler/reservations/${booked.body.id}`, {
      token: user.token,
    });
    expect(after.body.status).toBe('completed');
    expect((await app.quotaUsage(user.id)).devices).toBe(0);
    const allocated = app.fleet.observer.received.filter(
      ({ envelope }) =>
        envelope.type === 'device.allocated' &&
        (envelope.data as { allocationId: string }).allocationId === booked.body.id,
    );
    await waitFor(
      () => app.fleet.observer.received.some(({ envelope }) => envelope.type === 'reservation.reminder'),
      {
        description: 'reservation.reminder',
      },
    );
    expect(allocated.length).toBeLessThanOrEqual(1);
    await waitFor(
      () =>
        app.fleet.observer.received.filter(
          ({ envelope }) =>
            envelope.type === 'device.allocated' &&
            (envelope.data as { allocationId: string }).allocationId === booked.body.id,
        ).length === 1,
      { description: 'one device.allocated' },
    );
  });

  it('moves a booking, bills a late cancellation, and releases a no-show', async () => {
    const place = region('m');
    const [first, second] = await app.addDevices(2, { region: place });
    const user = await app.createUser({ tier: 'pro' });
    const blocker = await book(user.token, {
      deviceId: second,
      startAt: inMinutes(300),
      endAt: inMinutes(360),
    });
    const booked = await book(user.token, {
      deviceId: first,
      startAt: inMinutes(120),
      endAt: inMinutes(180),
    });
    expect(booked.status).toBe(201);

    const moved = await app.request<ReservationResponse>('PUT', `scheduler/reservations/${booked.body.id}`, {
      token: user.token,
      body: { startAt: inMinutes(240), endAt: inMinutes(330) },
    });
    expect(moved.body).toMatchObject({ status: 'confirmed', deviceId: first, durationMinutes: 90 });
    // A named device never moves: the slot taken there is a conflict.
    const onto = await app.request<Answer<ReservationResponse>>(
      'PUT',
      `scheduler/reservations/${blocker.body.id}`,
      {
        token: user.token,
        body: { startAt: inMinutes(250), endAt: inMinutes(310) },
      },
    );
    expect(onto.status).toBe(200);
    const clash = await book(user.token, { deviceId: first, startAt: inMinutes(300), endAt: inMinutes(310) });
    expect(clash).toMatchObject({ status: 409, body: { code: 'RESERVATION_CONFLICT' } });

    // Within the free window (60 min before the start), cancelling bills 50 % of the slot.
    app.clock.advance(200 * MINUTE);
    const late = await app.request<ReservationResponse>(
      'POST',
      `scheduler/reservations/${booked.body.id}/cancel`,
      {
        token: user.token,
        body: {},
      },
    );
    expect(late.body).toMatchObject({ status: 'cancelled', cancellationFeeSeconds: 45 * 60 });
    const fee = await waitFor(
      async () =>
        (await app.billingRecords(user.id)).find((record) => record.allocation_id === booked.body.id),
      { description: 'the fee billed' },
    );
    expect(fee.billed_seconds).toBe(45 * 60);

    // The other device goes into maintenance: its booking cannot start and is missed after the grace.
    await app.query(`UPDATE devices SET status = 'maintenance' WHERE id = $1`, [second]);
    app.clock.advance(50 * MINUTE + 11 * MINUTE);
    await app.get(ActivateReservationsJob).activate(manualCronRunContext());
    await app.get(ExpireReservationsJob).expire();
    const missed = await app.request<ReservationResponse>(
      'GET',
      `scheduler/reservations/${blocker.body.id}`,
      {
        token: user.token,
      },
    );
    expect(missed.body).toMatchObject({ status: 'missed', failureCode: 'NOT_ACTIVATED' });
    expect(await slotRow(blocker.body.id)).toMatchObject({ status: 'cancelled' });
    await waitFor(async () => (await app.quotaUsage(user.id)).devices === 0, { description: 'quota back' });
  });

  it('refuses bad slots and strangers without holding anything', async () => {
    const place = region('x');
    const [device] = await app.addDevices(1, { region: place });
    const user = await app.createUser({ tier: 'pro' });
    const stranger = await app.createUser({ tier: 'pro' });
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ deviceId: device, startAt: inMinutes(-5), endAt: inMinutes(30) }, 422, 'SLOT_TOO_SOON'],
      [{ deviceId: device, startAt: inMinutes(60), endAt: inMinutes(30) }, 400, 'INVALID_SLOT'],
      [
        { deviceId: device, startAt: inMinutes(60 * 24 * 40), endAt: inMinutes(60 * 24 * 40 + 30) },
        422,
        'SLOT_TOO_FAR_AHEAD',
      ],
      [
        { deviceId: device, startAt: '9999-12-31T00:00:00Z', endAt: '9999-12-31T01:00:00Z' },
        422,
        'SLOT_TOO_FAR_AHEAD',
      ],
      [
        { deviceId: device, requirements: { region: place }, startAt: inMinutes(60), endAt: inMinutes(90) },
        400,
        'VALIDATION_FAILED',
      ],
      [{ startAt: inMinutes(60), endAt: inMinutes(90) }, 400, 'VALIDATION_FAILED'],
      [{ deviceId: device, startAt: 'tomorrow', endAt: inMinutes(90) }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [body, status, code] of cases) {
      const answer = await book(user.token, body);
      expect({ body, status: answer.status, code: answer.body.code }).toEqual({ body, status, code });
    }
    expect(
      (await app.query('SELECT count(*) AS n FROM device_allocations WHERE device_id = $1', [device]))[0],
    ).toEqual({ n: '0' });

    const mine = await book(user.token, { deviceId: device, startAt: inMinutes(60), endAt: inMinutes(90) });
    expect(mine.status).toBe(201);
    for (const [method, path, body] of [
      ['GET', `scheduler/reservations/${mine.body.id}`, undefined],
      ['PUT', `scheduler/reservations/${mine.body.id}`, { endAt: inMinutes(100) }],
      ['POST', `scheduler/reservations/${mine.body.id}/cancel`, {}],
    ] as const) {
      expect((await app.request(method, path, { token: stranger.token, body })).status).toBe(404);
    }
    expect(
      (
        await book(stranger.token, {
          deviceId: device,
          startAt: inMinutes(60),
          endAt: inMinutes(90),
          userId: user.id,
        })
      ).status,
    ).toBe(403);
  });

  it.each(['suspended', 'deleted'])(
    "ends a %s user's allocations, billed to that moment, and cancels their reservations",
    async (status) => {
      const place = region('s');
      await app.addDevices(2, { region: place });
      const user = await app.createUser({ tier: 'pro' });
      const held = await app.request<AllocationResponse>('POST', 'scheduler/devices/allocate', {
        token: user.token,
        body: { durationMinutes: 30, requirements: { region: place } },
      });
      const booked = await book(user.token, {
        requirements: { region: place },
        startAt: inMinutes(120),
        endAt: inMinutes(180),
      });
      expect([held.status, booked.status]).toEqual([201, 201]);
      expect((await app.quotaUsage(user.id)).devices).toBe(2);

      app.clock.advance(90_000);
      const suspended = await app.request(
        'PATCH',
        `users/${user.id}`,
        { token: app.tokens.admin(), body: { status } },
        'user',
      );
      expect(suspended.status).toBe(200);
      const ended = await waitFor(
        async () => {
          const [row] = await app.query<{ status: string; end_reason: string; billed_seconds: number }>(
            'SELECT status, end_reason, billed_seconds FROM device_allocations WHERE id = $1',
            [held.body.id],
          );
          return row.status !== 'active' && row;
        },
        { description: `the allocation ended by user.${status}` },
      );
      expect(ended).toEqual({ status: 'released', end_reason: `user_${status}`, billed_seconds: 90 });
      const reservation = await app.request<ReservationResponse>(
        'GET',
        `scheduler/reservations/${booked.body.id}`,
        {
          token: app.tokens.admin(),
        },
      );
      expect(reservation.body).toMatchObject({
        status: 'cancelled',
        cancelReason: `user_${status}`,
        cancellationFeeSeconds: 0,
      });
      await waitFor(async () => (await app.quotaUsage(user.id)).devices === 0, {
        description: 'quota given back',
      });
      await waitFor(
        async () => (await app.billingRecords(user.id)).some((record) => record.billed_seconds === 90),
        { description: 'the 90 s billed' },
      );
    },
  );
});
