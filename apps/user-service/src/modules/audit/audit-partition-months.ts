/** The parent table the monthly partitions belong to (migration 0004). */
export const AUDIT_TABLE = 'security_audit_events';
export const AUDIT_DEFAULT_PARTITION = `${AUDIT_TABLE}_default`;

const PARTITION_NAME = /^security_audit_events_p(\d{4})_(\d{2})$/;

/** One UTC month of the audit log: its partition's name and bounds (from inclusive, to exclusive). */
export interface AuditPartitionMonth {
  /** Months since year 0 (year × 12 + month − 1): consecutive months are consecutive numbers. */
  index: number;
  name: string;
  from: Date;
  to: Date;
}

export function monthIndexOf(date: Date): number {
  return date.getUTCFullYear() * 12 + date.getUTCMonth();
}

export function auditPartitionMonth(index: number): AuditPartitionMonth {
  const year = Math.floor(index / 12);
  const month = index % 12;
  return {
    index,
    name: `${AUDIT_TABLE}_p${String(year).padStart(4, '0')}_${String(month + 1).padStart(2, '0')}`,
    from: new Date(Date.UTC(year, month, 1)),
    to: new Date(Date.UTC(year, month + 1, 1)),
  };
}

/**
 * The month a partition's name stands for, or null for any other table (the default partition, or
 * one someone added by hand): the job only ever drops partitions it can name.
 */
export function monthOfPartitionName(name: string): AuditPartitionMonth | null {
  const match = PARTITION_NAME.exec(name);
  if (!match) return null;
  const month = Number(match[2]);
  if (month < 1 || month > 12) return null;
  return auditPartitionMonth(Number(match[1]) * 12 + month - 1);
}

export interface AuditPartitionPlan {
  /** Months from the current one through `monthsAhead` ahead that have no partition yet. */
  create: AuditPartitionMonth[];
  /** Existing monthly partitions whose whole month lies before `retainFrom`. */
  drop: AuditPartitionMonth[];
  /** Start of the oldest month kept: rows before it are past retention wherever they are. */
  retainFrom: Date;
}

/**
 * What a run does as of `now`: create the current month and `monthsAhead` more, and drop every
 * month that ended `retentionMonths` or more months before the current month began (with 12, in
 * May 2026 the oldest month kept is May 2025). Never drops the current or a future month.
 */
export function planAuditPartitions(options: {
  now: Date;
  monthsAhead: number;
  retentionMonths: number;
  existing: string[];
}): AuditPartitionPlan {
  const current = monthIndexOf(options.now);
  const existing = new Set(options.existing);
  const create: AuditPartitionMonth[] = [];
  for (let index = current; index <= current + options.monthsAhead; index++) {
    const month = auditPartitionMonth(index);
    if (!existing.has(month.name)) create.push(month);
  }
  const oldestKept = current - Math.max(1, options.retentionMonths);
  const drop = options.existing
    .map(monthOfPartitionName)
    .filter((month): month is AuditPartitionMonth => month !== null && month.index < oldestKept)
    .sort((left, right) => left.index - right.index);
  return { create, drop, retainFrom: auditPartitionMonth(oldestKept).from };
}

/** Monthly partitions by where their month lies relative to `now`, for the partitions gauge. */
export function countByState(names: string[], now: Date): { past: number; current: number; future: number } {
  const current = monthIndexOf(now);
  const counts = { past: 0, current: 0, future: 0 };
  for (const month of names.map(monthOfPartitionName)) {
    if (!month) continue;
    if (month.index < current) counts.past++;
    else if (month.index === current) counts.current++;
    else counts.future++;
  }
  return counts;
}
