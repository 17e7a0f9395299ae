import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { io as connectSocket, type Socket as ClientSocket } from 'socket.io-client';
import { DOMAIN_EVENTS, NOTIFICATION_PUSH, type PushNotificationMessage } from '@cloudphone/contracts';
import {
  consumerQueueNames,
  publishEventTo,
  ServiceFleet,
  type ServiceProcess,
  waitFor,
  deviceAllocatedData,
} from '@cloudphone/shared/testing';

// Two notification-service processes on one database, one Redis key prefix and one queue: each
// event is consumed (and its push emitted) by one of them, and the Redis adapter carries the push
// to the sockets connected to the other.
const SERVICE = 'notification-service';
const EVENTS = 10;

describe('notification push across replicas (two processes, Redis adapter)', () => {
  let fleet: ServiceFleet;
  let a: ServiceProcess;
  let b: ServiceProcess;
  const sockets: ClientSocket[] = [];

  const connect = (replica: ServiceProcess, token: string) => {
    const socket = connectSocket(replica.url, {
      path: NOTIFICATION_PUSH.path,
      transports: ['websocket'],
      auth: { token },
      reconnection: false,
      forceNew: true,
    });
    sockets.push(socket);
    return socket;
  };
  const outcome = (socket: ClientSocket) =>
    new Promise<{ connected: boolean; code?: string }>((resolve) => {
      socket.once('connect', () => resolve({ connected: true }));
      socket.once('connect_error', (error: Error & { data?: { code?: string } }) =>
        resolve({ connected: false, code: error.data?.code }),
      );
    });
  const pushesTo = (socket: ClientSocket) => {
    const received: PushNotificationMessage[] = [];
    socket.on(NOTIFICATION_PUSH.notificationEvent, (message: PushNotificationMessage) =>
      received.push(message),
    );
    return received;
  };
  /** Delivery ids this replica's outbox sent (one log line per delivered push). */
  const sentBy = (replica: ServiceProcess) =>
    new Set(
      replica.logs
        .filter((line) => line.msg === 'notification delivered' && line.channel === 'push')
        .map((line) => String(line.deliveryId)),
    );
  const metric = async (replica: ServiceProcess, name: string) => {
    const text = await (await fetch(`${replica.url}/metrics`)).text();
    return text
      .split('\n')
      .filter((line) => line.startsWith(name))
      .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
  };

  beforeAll(async () => {
    fleet = await ServiceFleet.start({ processes: { [SERVICE]: 2 } });
    const [first, second] = fleet.processes[SERVICE] ?? [];
    if (!first || !second) throw new Error(`the fleet runs fewer than two ${SERVICE} processes`);
    [a, b] = [first, second];
    // Both replicas consume, so the events are shared between them.
    const [queue] = consumerQueueNames(fleet.namespace, SERVICE, []);
    await waitFor(async () => (await fleet.observer.consumerCount(queue)) === 2, {
      description: 'both replicas consuming',
    });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await fleet?.stop();
  });

  it('pushes every event to the user’s sockets on both replicas, whichever replica consumed it', async () => {
    const u = randomUUID();
    const v = randomUUID();
    const onA = connect(a, fleet.tokens.user({ userId: u }));
    const onB = connect(b, fleet.tokens.user({ userId: u }));
    const otherUser = connect(b, fleet.tokens.user({ userId: v }));
    const outcomes = await Promise.all([onA, onB, otherUser].map((socket) => outcome(socket)));
    expect(outcomes).toEqual([{ connected: true }, { connected: true }, { connected: true }]);
    const [atA, atB, atOther] = [pushesTo(onA), pushesTo(onB), pushesTo(otherUser)];

    const allocations: string[] = [];
    for (let index = 0; index < EVENTS; index++) {
      const data = deviceAllocatedData(u);
      allocations.push(data.allocationId);
      await publishEventTo(
        fleet.observer,
        { namespace: fleet.namespace, service: SERVICE },
        DOMAIN_EVENTS.deviceAllocated,
        data,
      );
    }
    await waitFor(() => atA.length >= EVENTS && atB.length >= EVENTS, {
      description: `${EVENTS} pushes on both of U's sockets (A: ${atA.length}, B: ${atB.length})`,
      timeoutMs: 15_000,
    });
    await sleep(300);
    expect(atA).toHaveLength(EVENTS);
    expect(atB).toHaveLength(EVENTS);
    const ids = (received: PushNotificationMessage[]) =>
      new Set(received.map((message) => message.deliveryId));
    expect(ids(atA)).toEqual(ids(atB));
    expect(ids(atA).size).toBe(EVENTS);
    expect(new Set(atA.map((message) => message.data.allocationId))).toEqual(new Set(allocations));
    expect(atA[0]).toMatchObject({
      type: DOMAIN_EVENTS.deviceAllocated,
      notification: { title: 'Device allocated' },
      data: { userId: u },
    });
    expect(typeof atA[0].notification.id).toBe('string');
    expect(atOther).toEqual([]);

    // Each push left from one replica: both sent some, so pushes crossed from A to B and from B to A.
    const [fromA, fromB] = [sentBy(a), sentBy(b)];
    expect(new Set([...fromA, ...fromB])).toEqual(ids(atA));
    expect([...fromA].filter((id) => fromB.has(id))).toEqual([]);
    expect(fromA.size).toBeGreaterThan(0);
    expect(fromB.size).toBeGreaterThan(0);

    // Metrics: sockets per replica; pushes counted where they were emitted.
    expect(await metric(a, 'cloudphone_notification_push_sockets')).toBe(1);
    expect(await metric(b, 'cloudphone_notification_push_sockets')).toBe(2);
    const published = async (replica: ServiceProcess) =>
      metric(replica, 'cloudphone_notification_pushes_total{outcome="published"');
    expect((await published(a)) + (await published(b))).toBe(EVENTS);
  });

  it('refuses a bad token (UNAUTHENTICATED) and a service token (FORBIDDEN)', async () => {
    expect(await outcome(connect(a, 'not-a-token'))).toEqual({ connected: false, code: 'UNAUTHENTICATED' });
    expect(await outcome(connect(b, fleet.tokens.service()))).toEqual({
      connected: false,
      code: 'FORBIDDEN',
    });
  });
});
