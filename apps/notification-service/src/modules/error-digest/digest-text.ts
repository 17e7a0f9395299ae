import type { ErrorGroup } from '../error-log';

/** Groups named in one email; the rest are summed in a last line. */
export const DIGEST_MAX_GROUPS = 50;

/** Subject and body of one window's digest: one line per source and code, most frequent first. */
export function digestText(
  windowStart: Date,
  windowEnd: Date,
  groups: readonly ErrorGroup[],
): { title: string; body: string } {
  const sorted = [...groups].sort(
    (a, b) => b.occurrences - a.occurrences || a.source.localeCompare(b.source),
  );
  const total = sorted.reduce((sum, group) => sum + group.occurrences, 0);
  const shown = sorted.slice(0, DIGEST_MAX_GROUPS);
  const lines = shown.map(
    (group) =>
      `${group.occurrences}× ${group.source} ${group.code} (${group.firstAt.toISOString()} – ${group.lastAt.toISOString()})` +
      (group.sample ? `\n    e.g. ${group.sample}` : ''),
  );
  const hidden = sorted.slice(DIGEST_MAX_GROUPS);
  if (hidden.length > 0) {
    const rest = hidden.reduce((sum, group) => sum + group.occurrences, 0);
    lines.push(`… and ${rest} more in ${hidden.length} other groups`);
  }
  return {
    title: `Cloudphone error digest: ${total} errors in ${groups.length} groups`,
    body: [`Errors between ${windowStart.toISOString()} and ${windowEnd.toISOString()}:`, '', ...lines].join(
      '\n',
    ),
  };
}
