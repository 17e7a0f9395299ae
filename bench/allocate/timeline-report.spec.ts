import {
  allocationTimelines,
  describeTimelines,
  parseTimeline,
  stepKey,
  type TimelineEvent,
  typicalSteps,
} from './timeline-report';

const ALLOCATE = 'POST /scheduler/devices/allocate';

function event(
  start: number,
  end: number,
  process: string,
  kind: TimelineEvent['kind'],
  label: string,
  cpuMs?: number,
): TimelineEvent {
  return { start, end, process, kind, label, ...(cpuMs === undefined ? {} : { cpuMs }) };
}

/** One allocation at `at`: its claim, the quota call (with user-service's side) and, when asked, a stray event. */
function allocation(at: number, length: number, quotaMs: number): TimelineEvent[] {
  return [
    event(at, at + length, 'device-service#11', 'http-in', ALLOCATE, length / 4),
    event(at + 0.5, at + 2, 'device-service#11', 'sql', 'WITH candidate AS (\n  SELECT d.id FROM devices d'),
    event(at + 2.5, at + 2.5 + quotaMs, 'device-service#11', 'http-out', 'POST /quotas/usage'),
    event(at + 3, at + 4, 'user-service#12', 'http-in', 'POST /quotas/usage'),
  ];
}

describe('the c=1 allocate timeline', () => {
  it('reads the recorders’ lines and skips one cut short by an exit', () => {
    const text = `${JSON.stringify(event(1, 2, 'user-service#1', 'sql', 'SELECT 1'))}\n{"start":3,"en\n\n`;
    expect(parseTimeline(text)).toEqual([event(1, 2, 'user-service#1', 'sql', 'SELECT 1')]);
  });

  it('gives each device-service allocate the events that began inside it, in any process', () => {
    const events = [
      ...allocation(100, 10, 3),
      ...allocation(200, 12, 4),
      event(150, 151, 'billing-service#13', 'sql', 'between the two'),
      event(95, 101, 'billing-service#13', 'sql', 'began before the first'),
      event(300, 310, 'user-service#12', 'http-in', ALLOCATE),
    ];
    const timelines = allocationTimelines(events.reverse());

    expect(timelines.map(({ window }) => window.start)).toEqual([100, 200]);
    expect(timelines[0].events.map(({ start }) => start)).toEqual([100.5, 102.5, 103]);
    expect(timelines[1].events).toHaveLength(3);
  });

  it('names a step by service, kind and label, without ids, extra spaces or its process', () => {
    const withId = event(
      0,
      1,
      'device-service#99',
      'http-in',
      'POST /scheduler/allocations/0b0e0c1a-aaaa-4bbb-8ccc-123456789abc/extend',
    );

    expect(stepKey(withId)).toBe('device-service http-in POST /scheduler/allocations/:id/extend');
    expect(stepKey(event(0, 1, 'user-service#1', 'sql', '  SELECT\n\t1  '))).toBe(
      'user-service sql SELECT 1',
    );
  });

  it('lists the steps most allocations take, at their median start and time, in order', () => {
    const events = [
      ...allocation(100, 10, 3),
      ...allocation(200, 12, 5),
      ...allocation(300, 11, 4),
      event(301, 302, 'billing-service#13', 'sql', 'in one allocation of three'),
    ];
    const steps = typicalSteps(allocationTimelines(events));

    expect(steps.map(({ key }) => key)).toEqual([
      `device-service http-in ${ALLOCATE}`,
      'device-service sql WITH candidate AS ( SELECT d.id FROM devices d',
      'device-service http-out POST /quotas/usage',
      'user-service http-in POST /quotas/usage',
    ]);
    expect(steps[0]).toEqual({
      key: `device-service http-in ${ALLOCATE}`,
      offsetMs: 0,
      durationMs: 11,
      cpuMs: 2.75,
      presence: 1,
    });
    expect(steps[2]).toEqual({
      key: 'device-service http-out POST /quotas/usage',
      offsetMs: 2.5,
      durationMs: 4,
      presence: 1,
    });
  });

  it('adds up a step that happens twice in one allocation', () => {
    const events = [
      ...allocation(100, 10, 3),
      event(105, 106.5, 'device-service#11', 'sql', 'WITH candidate AS (\n  SELECT d.id FROM devices d'),
    ];
    const [, claim] = typicalSteps(allocationTimelines(events));

    expect(claim.durationMs).toBeCloseTo(3);
    expect(claim.offsetMs).toBeCloseTo(0.5);
  });

  it('prints the typical steps and the median allocation, or says nothing was recorded', () => {
    const lines = describeTimelines(
      allocationTimelines([...allocation(100, 10, 3), ...allocation(200, 14, 3), ...allocation(300, 12, 3)]),
    );

    expect(lines[0]).toBe('  timeline of 3 c=1 allocations, as device-service served them: p50 12.00 ms');
    expect(lines[2]).toBe(`    +  0.00   12.00 ms  100 %  device-service http-in ${ALLOCATE}  (CPU 3.00 ms)`);
    expect(lines).toContain('  the median allocation (12.00 ms), every event:');
    expect(lines.at(-1)).toBe('    +  3.00    1.00 ms  user-service#12        http-in POST /quotas/usage');
    expect(describeTimelines([])).toEqual(['  timeline: no allocation was recorded']);
  });
});
