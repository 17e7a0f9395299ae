import { setTimeout as sleep } from 'node:timers/promises';
import { AdmissionGate, AdmissionRefusedError } from './admission-gate';
import { deferred } from '../testing/deferred';

describe('AdmissionGate', () => {
  it('runs at most maxInFlight calls at once, the rest in arrival order', async () => {
    const gate = new AdmissionGate({ maxInFlight: 2, maxQueued: 10, maxWaitMs: 5000 });
    const gates = [0, 1, 2, 3, 4].map(() => deferred());
    const started: number[] = [];
    const calls = gates.map((own, index) =>
      gate.run(async () => {
        started.push(index);
        await own.promise;
        return index;
      }),
    );
    await sleep(5);
    expect(started).toEqual([0, 1]);
    expect([gate.inFlight, gate.queued]).toEqual([2, 3]);
    gates[1].resolve();
    await sleep(5);
    expect(started).toEqual([0, 1, 2]);
    gates.forEach((own) => own.resolve());
    expect(await Promise.all(calls)).toEqual([0, 1, 2, 3, 4]);
    expect([gate.inFlight, gate.queued]).toEqual([0, 0]);
  });

  it('refuses at once beyond maxQueued, and a call that waited too long never runs', async () => {
    const gate = new AdmissionGate({ maxInFlight: 1, maxQueued: 1, maxWaitMs: 30 });
    const hold = deferred();
    const ran: string[] = [];
    const first = gate.run(async () => {
      ran.push('first');
      await hold.promise;
    });
    const waiting = gate.run(async () => void ran.push('waiting'));
    await expect(gate.run(async () => void ran.push('excess'))).rejects.toEqual(
      new AdmissionRefusedError('queue_full'),
    );
    await expect(waiting).rejects.toMatchObject({ reason: 'wait_timeout' });
    expect(gate.queued).toBe(0);
    hold.resolve();
    await first;
    expect(ran).toEqual(['first']);
    // The slot came back: the next call runs at once.
    let waitedMs = -1;
    await gate.run(
      async () => void ran.push('after'),
      (ms) => (waitedMs = ms),
    );
    expect(ran).toEqual(['first', 'after']);
    expect(waitedMs).toBe(0);
    expect([gate.inFlight, gate.queued]).toEqual([0, 0]);
  });

  it('frees the slot of a call that throws', async () => {
    const gate = new AdmissionGate({ maxInFlight: 1, maxQueued: 5, maxWaitMs: 1000 });
    await expect(
      gate.run(async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await expect(gate.run(async () => 'ok')).resolves.toBe('ok');
    expect(gate.inFlight).toBe(0);
  });
});
