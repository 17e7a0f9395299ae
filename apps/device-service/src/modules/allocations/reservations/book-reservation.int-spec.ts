import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import type { CreateReservationRequest } from '@cloudphone/contracts';
import { DatabasePool, type Principal, SqlClient, TransactionRunner } from '@cloudphone/shared';
import { createRepositoryTestDatabase, type RepositoryTestDatabase } from '@cloudphone/shared/testing';
import { BookReservationUseCase } from './book-reservation.use-case';
import { ReservationChangesRepository } from './reservation-changes.repository';
import type { SlotRequest } from './reservation-record';
import { ReservationsRepository } from './reservations.repository';

// Spec bookings against a real database while device rows are locked by others: the booking
// statement takes its device FOR UPDATE SKIP LOCKED, so a device row another transaction holds
// locked must read as "try again", never as "no device" (RESERVATION_CONFLICT). Quota, billing,
// events and the cache are faked: what is checked is the SQL and the retry loop around it.

const HOUR = 3_600_000;

describe('booking a spec while device rows are locked', () => {
  let db: RepositoryTestDatabase;
  const pools: DatabasePool[] = [];

  beforeAll(async () => {
    Logger.overrideLogger(false);
    db = await createRepositoryTestDatabase('device-service');
  });

  afterAll(async () => {
    for (const pool of pools) await pool.end();
    await db?.close();
  });

  async function addDevices(region: string, count: number): Promise<string[]> {
    const rows = await db.query<{ id: string }>(
      `INSERT INTO devices (provider, provider_device_id, region, android_version, cpu_cores, memory_mb, storage_gb)
       SELECT 'simulated', $1 || '-' || n, $1, '13', 4, 8192, 64 FROM generate_series(1, $2) AS n
       RETURNING id`,
      [region, count],
    );
    return rows.map((row) => row.id).sort();
  }

  /** Holds `FOR UPDATE` on the device rows, on a connection of its own, until the answer is called. */
  async function lockRows(ids: string[]): Promise<() => Promise<void>> {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    await client.query('BEGIN');
    await client.query(`SELECT id FROM devices WHERE id = ANY($1::uuid[]) FOR UPDATE`, [ids]);
    return async () => {
      await client.query('COMMIT');
      await client.end();
    };
  }

  /** The use case on real repositories; quota and balance always granted, the rest does nothing. */
  function useCase(sql: SqlClient, transactions: TransactionRunner): BookReservationUseCase {
    type Needs = ConstructorParameters<typeof BookReservationUseCase>;
    const entitlements = { confirm: async () => ({ granted: true, quotaDeferred: false }) };
    const dispatcher = {
      store: async () => [],
      deliver: async () => undefined,
      deliverInBackground: () => undefined,
    };
    const publisher = { confirmed: async () => undefined };
    const cache = { invalidateTags: async () => undefined };
    const clock = { now: async () => new Date(), timeToRecord: () => null };
    const config = {
      reservationMinLeadMinutes: 0,
      reservationMaxAdvanceDays: 30,
      allocationMaxDurationMinutes: 1440,
    };
    return new BookReservationUseCase(
      transactions,
      new ReservationsRepository(sql),
      new ReservationChangesRepository(sql),
      entitlements as unknown as Needs[3],
      dispatcher as unknown as Needs[4],
      publisher as unknown as Needs[5],
      cache as unknown as Needs[6],
      clock as unknown as Needs[7],
      config as unknown as Needs[8],
    );
  }

  const user = (): Principal => ({ kind: 'user', userId: randomUUID(), roles: [], tenantId: null });
  const slotOf = (region: string, start: Date): CreateReservationRequest => ({
    requirements: { region },
    startAt: start.toISOString(),
    endAt: new Date(start.getTime() + HOUR / 2).toISOString(),
  });

  it('answers "skipped", not "none", when the only free qualifying device is row-locked', async () => {
    const region = 'locked-repo';
    const [device] = await addDevices(region, 1);
    const repository = new ReservationsRepository(db.sql);
    const start = new Date(Date.now() + HOUR);
    const request = (): SlotRequest => ({
      id: randomUUID(),
      userId: randomUUID(),
      tenantId: 'default',
      deviceId: null,
      requirements: { region },
      startAt: start,
      endAt: new Date(start.getTime() + HOUR / 2),
      note: null,
      idempotencyKey: null,
      requestHash: null,
    });

    const release = await lockRows([device]);
    try {
      expect(await repository.book(request())).toEqual({ kind: 'skipped' });
    } finally {
      await release();
    }
    expect(await repository.book(request())).toMatchObject({ kind: 'booked', device: { deviceId: device } });
    // Now the slot is really taken: nothing meets the request, locked or not.
    expect(await repository.book(request())).toEqual({ kind: 'none' });
    const releaseTaken = await lockRows([device]);
    try {
      expect(await repository.book(request())).toEqual({ kind: 'none' });
    } finally {
      await releaseTaken();
    }
  });

  it('books the only free qualifying device once another transaction lets go of its row (200 ms)', async () => {
    const region = 'locked-use-case';
    const [taken, free] = await addDevices(region, 2);
    const booking = useCase(db.sql, db.transactions);
    const start = new Date(Date.now() + HOUR);
    // The first device already has the slot; the second is the only one free for it.
    const first = await booking.book(user(), slotOf(region, start));
    expect(first.reservation.deviceId).toBe(taken);

    const release = await lockRows([free]);
    const startedAt = Date.now();
    const released = new Promise<void>((resolve, reject) =>
      setTimeout(() => release().then(resolve, reject), 200),
    );
    const second = await booking.book(user(), slotOf(region, start));
    await released;
    expect(second.reservation).toMatchObject({ status: 'confirmed', deviceId: free });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(190);

    // With both devices taken, the answer is a plain conflict, at once.
    await expect(booking.book(user(), slotOf(region, start))).rejects.toMatchObject({
      code: 'RESERVATION_CONFLICT',
    });
  });

  it('gives 100 concurrent bookings over two connection pools 100 devices, one each', async () => {
    const region = 'crowd';
    const devices = await addDevices(region, 100);
    const bookings = await Promise.all(
      [0, 1].map(async () => {
        const pool = DatabasePool.create({ url: db.url, poolSize: 10 });
        pools.push(pool);
        return useCase(new SqlClient(pool), new TransactionRunner(pool));
      }),
    );
    const start = new Date(Date.now() + HOUR);

    const answers = await Promise.allSettled(
      Array.from({ length: 100 }, (_, index) => bookings[index % 2].book(user(), slotOf(region, start))),
    );

    const outcomes = answers.map((answer) =>
      answer.status === 'fulfilled' ? 'booked' : String((answer.reason as { code?: string }).code),
    );
    expect(outcomes).toEqual(Array(100).fill('booked'));
    const booked = answers.flatMap((answer) =>
      answer.status === 'fulfilled' ? [answer.value.reservation.deviceId] : [],
    );
    expect(new Set(booked)).toEqual(new Set(devices));
  });
});
