// TEMPORARY reproduction, not to be kept.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { SqlClient } from '@cloudphone/shared';
import { createRepositoryTestDatabase, type RepositoryTestDatabase } from '@cloudphone/shared/testing';
import type { SlotRequest } from './reservation-record';
import { ReservationsRepository } from './reservations.repository';

const ROUNDS = Number(process.env.REPRO_ROUNDS ?? 10);

describe('repro', () => {
  let db: RepositoryTestDatabase;
  let sources: DataSource[];

  beforeAll(async () => {
    db = await createRepositoryTestDatabase('device-service');
    sources = await Promise.all(
      [0, 1].map(() => new DataSource({ type: 'postgres', url: db.url, poolSize: 10 }).initialize()),
    );
  });
  afterAll(async () => {
    for (const source of sources ?? []) await source.destroy();
    await db?.close();
  });

  const slot = (region: string, start: Date): SlotRequest => ({
    id: randomUUID(),
    userId: randomUUID(),
    tenantId: randomUUID(),
    deviceId: null,
    requirements: { region },
    startAt: start,
    endAt: new Date(start.getTime() + 30 * 60_000),
    note: null,
    idempotencyKey: null,
    requestHash: null,
  });

  it('a row lock on the only free device reads as none', async () => {
    await db.query(
      `INSERT INTO devices (provider, provider_device_id, region, android_version, cpu_cores, memory_mb, storage_gb)
       VALUES ('simulated', 'lock-1', 'lock', '13', 4, 8192, 64)`,
    );
    const locker = new Client({ connectionString: db.url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query(`SELECT id FROM devices WHERE region = 'lock' FOR UPDATE`);
    const repo = new ReservationsRepository(db.sql);
    const outcome = await repo.book(slot('lock', new Date(Date.now() + 3_600_000)));
    await locker.query('ROLLBACK');
    await locker.end();
    console.log('booking while the only free device is row-locked:', outcome.kind);
  });

  it('100 concurrent bookings over 100 devices, 5 attempts, no backoff', async () => {
    const histogram: Record<string, number> = {};
    let failures = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const region = `r${round}`;
      await db.query(
        `INSERT INTO devices (provider, provider_device_id, region, android_version, cpu_cores, memory_mb, storage_gb)
         SELECT 'simulated', $1 || '-' || n, $1, '13', 4, 8192, 64 FROM generate_series(1, 100) AS n`,
        [region],
      );
      const repos = sources.map((source) => new ReservationsRepository(new SqlClient(source)));
      const start = new Date(Date.now() + 3_600_000);
      const results = await Promise.all(
        Array.from({ length: 100 }, async (_, index) => {
          const request = slot(region, start);
          const trail: string[] = [];
          for (let attempt = 1; attempt <= 5; attempt++) {
            const outcome = await repos[index % 2].book(request);
            trail.push(outcome.kind);
            if (outcome.kind !== 'lost-race') break;
          }
          return trail;
        }),
      );
      for (const trail of results) {
        const key = trail.join('>');
        histogram[key] = (histogram[key] ?? 0) + 1;
        if (trail[trail.length - 1] !== 'booked') failures += 1;
      }
    }
    console.log(JSON.stringify({ rounds: ROUNDS, failures, histogram }, null, 1));
  }, 600_000);
});
