// What a lone allocate waits for, from the events timeline-recorder.ts wrote in every service
// process: each device-service allocate request is a window, and every event that began inside it,
// in any process, is part of its timeline. Events overlap (the two entitlement calls run side by
// side), so the figures are read as a sequence, never summed.
import { median } from '../bench-support';

/** Present in the bench's timeline directory while the services should record. */
export const MARKER_FILE = 'recording';

export interface TimelineEvent {
  /** Milliseconds since the epoch, from `performance.timeOrigin + performance.now()`. */
  start: number;
  end: number;
  /** `<service>#<pid>`. */
  process: string;
  /** http-out-write: from creating an outgoing request to writing its headers. */
  kind: 'http-in' | 'sql' | 'redis' | 'http-out-write' | 'http-out';
  label: string;
  /** http-in: CPU the process used from the request's arrival to its answer (all its threads). */
  cpuMs?: number;
}

export interface AllocationTimeline {
  window: TimelineEvent;
  /** The events that began inside the window, the window itself left out, by start. */
  events: TimelineEvent[];
}

const ALLOCATE = 'POST /scheduler/devices/allocate';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
/** A step shown in the typical timeline is in at least this share of the allocations. */
const TYPICAL_PRESENCE = 0.5;
const LABEL_LENGTH = 64;

/** The events of the recorder's JSON lines; a line cut short by a process's exit is skipped. */
export function parseTimeline(text: string): TimelineEvent[] {
  const events: TimelineEvent[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      events.push(JSON.parse(line) as TimelineEvent);
    } catch {
      continue;
    }
  }
  return events;
}

export function allocationTimelines(events: TimelineEvent[]): AllocationTimeline[] {
  const sorted = [...events].sort((left, right) => left.start - right.start);
  const windows = sorted.filter(
    (event) =>
      event.kind === 'http-in' && event.process.startsWith('device-service') && event.label === ALLOCATE,
  );
  return windows.map((window) => ({
    window,
    events: sorted.filter(
      (event) => event !== window && event.start >= window.start && event.start <= window.end,
    ),
  }));
}

/** One key per kind of step: the service, the kind and the label without ids or extra spaces. */
export function stepKey(event: TimelineEvent): string {
  const service = event.process.split('#')[0];
  const label = event.label.replace(/\s+/g, ' ').replace(UUID, ':id').trim().slice(0, LABEL_LENGTH);
  return `${service} ${event.kind} ${label}`;
}

interface TypicalStep {
  key: string;
  /** Median start of the step's first event, from the window's start. */
  offsetMs: number;
  /** Median time the step took in an allocation (its events' durations added up). */
  durationMs: number;
  /** Median CPU its process used meanwhile, for a request served (http-in). */
  cpuMs?: number;
  presence: number;
}

/** The steps most allocations go through, with their median offset and duration, in order. */
export function typicalSteps(timelines: AllocationTimeline[]): TypicalStep[] {
  const byKey = new Map<string, { offsets: number[]; durations: number[]; cpu: number[] }>();
  for (const { window, events } of timelines) {
    const seen = new Map<string, { offset: number; duration: number; cpu?: number }>();
    // The window itself is the first step: what device-service's own answer took, CPU included.
    for (const event of [window, ...events]) {
      const key = stepKey(event);
      const step = seen.get(key) ?? { offset: event.start - window.start, duration: 0 };
      step.duration += event.end - event.start;
      if (event.cpuMs !== undefined) step.cpu = (step.cpu ?? 0) + event.cpuMs;
      seen.set(key, step);
    }
    for (const [key, step] of seen) {
      const figures = byKey.get(key) ?? { offsets: [], durations: [], cpu: [] };
      figures.offsets.push(step.offset);
      figures.durations.push(step.duration);
      if (step.cpu !== undefined) figures.cpu.push(step.cpu);
      byKey.set(key, figures);
    }
  }
  return [...byKey.entries()]
    .map(([key, figures]) => ({
      key,
      offsetMs: median(figures.offsets),
      durationMs: median(figures.durations),
      ...(figures.cpu.length > 0 ? { cpuMs: median(figures.cpu) } : {}),
      presence: figures.offsets.length / timelines.length,
    }))
    .filter((step) => step.presence >= TYPICAL_PRESENCE)
    .sort((left, right) => left.offsetMs - right.offsetMs);
}

/** The report's lines: the typical steps, then the allocation whose length is the median's. */
export function describeTimelines(timelines: AllocationTimeline[]): string[] {
  if (timelines.length === 0) return ['  timeline: no allocation was recorded'];
  const length = ({ window }: AllocationTimeline): number => window.end - window.start;
  // The allocation whose length is the median's: the header's p50, and the one shown in full.
  const middle = [...timelines].sort((left, right) => length(left) - length(right))[
    Math.floor(timelines.length / 2)
  ];
  const lines = [
    `  timeline of ${timelines.length} c=1 allocations, as device-service served them: p50 ${length(middle).toFixed(2)} ms`,
    `  steps in at least ${TYPICAL_PRESENCE * 100} % of them (median start, median time, share; CPU of a request's process meanwhile):`,
  ];
  for (const step of typicalSteps(timelines)) {
    const cpu = step.cpuMs === undefined ? '' : `  (CPU ${step.cpuMs.toFixed(2)} ms)`;
    lines.push(
      `    +${step.offsetMs.toFixed(2).padStart(6)}  ${step.durationMs.toFixed(2).padStart(6)} ms  ${(step.presence * 100).toFixed(0).padStart(3)} %  ${step.key}${cpu}`,
    );
  }
  lines.push(`  the median allocation (${length(middle).toFixed(2)} ms), every event:`);
  for (const event of middle.events) {
    lines.push(
      `    +${(event.start - middle.window.start).toFixed(2).padStart(6)}  ${(event.end - event.start).toFixed(2).padStart(6)} ms  ${event.process.padEnd(22)} ${stepKey(event).split(' ').slice(1).join(' ')}`,
    );
  }
  return lines;
}
