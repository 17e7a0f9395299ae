import {
  auditPartitionMonth,
  countByState,
  monthIndexOf,
  monthOfPartitionName,
  planAuditPartitions,
} from './audit-partition-months';

const MAY_2026 = new Date('2026-05-15T12:00:00Z');
const name = (year: number, month: number) =>
  `security_audit_events_p${year}_${String(month).padStart(2, '0')}`;

describe('audit partition months', () => {
  it('names UTC months and their bounds, across a year end', () => {
    expect(auditPartitionMonth(monthIndexOf(new Date('2026-12-31T23:59:59Z')))).toEqual({
      index: 2026 * 12 + 11,
      name: name(2026, 12),
      from: new Date('2026-12-01T00:00:00Z'),
      to: new Date('2027-01-01T00:00:00Z'),
    });
    expect(monthOfPartitionName(name(2027, 1))?.from).toEqual(new Date('2027-01-01T00:00:00Z'));
  });

  it('reads only its own partition names', () => {
    expect(monthOfPartitionName('security_audit_events_default')).toBeNull();
    expect(monthOfPartitionName('security_audit_events_p2026_13')).toBeNull();
    expect(monthOfPartitionName('security_audit_events_p2026_00')).toBeNull();
    expect(monthOfPartitionName('other_p2026_01')).toBeNull();
  });

  it('creates the missing months from the current one through monthsAhead', () => {
    const plan = planAuditPartitions({
      now: MAY_2026,
      monthsAhead: 3,
      retentionMonths: 12,
      existing: [name(2026, 5), name(2026, 6), 'security_audit_events_default'],
    });
    expect(plan.create.map((month) => month.name)).toEqual([name(2026, 7), name(2026, 8)]);
    expect(plan.drop).toEqual([]);
  });

  it('drops months that ended retentionMonths before the current month began, never a newer one', () => {
    const plan = planAuditPartitions({
      now: MAY_2026,
      monthsAhead: 1,
      retentionMonths: 12,
      existing: [
        name(2025, 3),
        name(2025, 4),
        name(2025, 5),
        name(2026, 5),
        name(2026, 6),
        'hand_made_p2000_01',
      ],
    });
    expect(plan.drop.map((month) => month.name)).toEqual([name(2025, 3), name(2025, 4)]);
    expect(plan.retainFrom).toEqual(new Date('2025-05-01T00:00:00Z'));
  });

  it('counts partitions as past, current and future', () => {
    expect(countByState([name(2026, 4), name(2026, 5), name(2026, 6), name(2026, 7), 'x'], MAY_2026)).toEqual(
      {
        past: 1,
        current: 1,
        future: 2,
      },
    );
  });
});
