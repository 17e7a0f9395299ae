import { randomUUID } from 'node:crypto';
import { IsISO8601, IsString } from 'class-validator';
import { createTestDatabase, EventsTestApp, type TestDatabase, uniqueTestId } from '../testing';
import { SqlClient } from '../database/sql-client';
import { outboxEventInsertSql, outboxEventParameters } from './outbox.repository';

// A writer that announces a change in the statement that makes it (EventPublisher.prepare plus
// outboxEventInsertSql), against real Postgres: the event row exists exactly when the change does,
// with the times the statement itself took merged into the checked payload.

class Stamped {
  @IsString()
  name!: string;

  @IsISO8601()
  at!: string;
}

describe('an event written by the statement it announces (real Postgres)', () => {
  let database: TestDatabase;
  let app: EventsTestApp;

  beforeAll(async () => {
    database = await createTestDatabase('device-service');
    app = await EventsTestApp.start({
      serviceName: 'statement-events-test',
      databaseUrl: database.url,
      messagingNamespace: uniqueTestId('statement-events'),
      eventPayloads: { 'stamptest.stamped': { 1: Stamped } },
    });
    await database.query('CREATE TABLE stamps (name text PRIMARY KEY, at timestamptz NOT NULL)');
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  /** Inserts a stamp unless its name exists, with its event in the same statement. */
  const stamp = (name: string) => {
    const event = app.publisher.prepare({
      type: 'stamptest.stamped' as never,
      aggregateId: name,
      data: { name, at: '2000-01-01T00:00:00.000Z' },
    });
    const sql = app.app.get(SqlClient);
    return sql.rows<{ name: string; at: Date }>(
      `WITH stamped AS (
         INSERT INTO stamps (name, at) VALUES ($1, now()) ON CONFLICT (name) DO NOTHING RETURNING name, at
       ), announced AS (${outboxEventInsertSql(2, 'stamped', `jsonb_build_object('at', stamped.at)`)})
       SELECT * FROM stamped`,
      [name, ...outboxEventParameters(event)],
    );
  };

  const eventsOf = (name: string) =>
    database.query<{ data: { name: string; at: string }; event_version: number; aggregate_key: string }>(
      `SELECT data, event_version, aggregate_key FROM outbox WHERE aggregate_key = $1`,
      [`stamptest:${name}`],
    );

  it('writes the event with the change, its data merged with what the statement recorded', async () => {
    const name = randomUUID();
    const [row] = await stamp(name);

    const events = await eventsOf(name);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ event_version: 1, aggregate_key: `stamptest:${name}` });
    expect(events[0].data.name).toBe(name);
    expect(Date.parse(events[0].data.at)).toBe(row.at.getTime());
  });

  it('writes no event when the change did not happen, and refuses a payload its class rejects', async () => {
    const name = randomUUID();
    await stamp(name);
    expect(await stamp(name)).toEqual([]); // the name exists: nothing inserted
    expect(await eventsOf(name)).toHaveLength(1);

    expect(() =>
      app.publisher.prepare({ type: 'stamptest.stamped' as never, aggregateId: name, data: { name: 42 } }),
    ).toThrow('Invalid event payload');
  });
});
