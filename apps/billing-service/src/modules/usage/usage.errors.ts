import { CommonErrors } from '@cloudphone/shared';

export const UsageErrors = {
  invalidDates: () => CommonErrors.validationFailed('startedAt, endedAt: not valid dates'),
  endsBeforeStart: () =>
    CommonErrors.validationFailed('endedAt: must not be before startedAt', [
      { field: 'endedAt', reasons: ['must not be before startedAt'] },
    ]),
  billedBeyondPeriod: (periodSeconds: number) =>
    CommonErrors.validationFailed(`billedSeconds: must not exceed the period of ${periodSeconds} s`, [
      { field: 'billedSeconds', reasons: [`must not exceed endedAt - startedAt (${periodSeconds} s)`] },
    ]),
  conflict: (allocationId: string) =>
    CommonErrors.conflict(
      'USAGE_CONFLICT',
      `Usage of allocation ${allocationId} was already recorded with different details`,
      { allocationId },
    ),
};
