import type { ErrorGroup } from '../error-log';
import { DIGEST_MAX_GROUPS, digestText } from './digest-text';

const start = new Date('2026-12-05T10:00:00.000Z');
const end = new Date('2026-12-05T11:00:00.000Z');
const group = (
  source: string,
  code: string,
  occurrences: number,
  sample: string | null = null,
): ErrorGroup => ({
  source,
  code,
  occurrences,
  firstAt: new Date('2026-12-05T10:01:00.000Z'),
  lastAt: new Date('2026-12-05T10:59:00.000Z'),
  sample,
});

describe('digestText', () => {
  it('counts every error and lists groups most frequent first, with a sample', () => {
    const text = digestText(start, end, [
      group('event:allocation.failed', 'QUOTA_EXCEEDED', 3),
      group('delivery:webhook', 'HTTP_500', 120, 'HTTP_500: endpoint answered 500'),
    ]);
    expect(text.title).toBe('Cloudphone error digest: 123 errors in 2 groups');
    const lines = text.body.split('\n');
    expect(lines[0]).toBe('Errors between 2026-12-05T10:00:00.000Z and 2026-12-05T11:00:00.000Z:');
    expect(lines[2]).toMatch(/^120× delivery:webhook HTTP_500 /);
    expect(lines[3]).toBe('    e.g. HTTP_500: endpoint answered 500');
    expect(lines[4]).toMatch(/^3× event:allocation.failed QUOTA_EXCEEDED /);
  });

  it(`names at most ${DIGEST_MAX_GROUPS} groups and sums the rest`, () => {
    const groups = Array.from({ length: DIGEST_MAX_GROUPS + 5 }, (_, i) =>
      group('event:x.y', `CODE_${i}`, 1),
    );
    const text = digestText(start, end, groups);
    expect(text.body).toContain('… and 5 more in 5 other groups');
    expect(text.body.split('\n').filter((line) => line.startsWith('1× '))).toHaveLength(DIGEST_MAX_GROUPS);
  });
});
