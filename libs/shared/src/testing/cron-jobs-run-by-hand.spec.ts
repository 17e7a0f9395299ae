import { parseCronScheduleOverrides } from '../cron/cron-schedule.overrides';
import { cronJobsRunByHand } from './cron-jobs-run-by-hand';

describe('cronJobsRunByHand', () => {
  it('turns every job off when the test names none', () => {
    expect(parseCronScheduleOverrides(cronJobsRunByHand())).toEqual({ '*': { disabled: true } });
  });

  it("keeps the test's own entries, a job it names and its own '*' included", () => {
    const named = cronJobsRunByHand(JSON.stringify({ 'process-queue': '*/2 * * * * *' }));
    expect(parseCronScheduleOverrides(named)).toEqual({
      '*': { disabled: true },
      'process-queue': { expression: '*/2 * * * * *' },
    });
    const every = cronJobsRunByHand(JSON.stringify({ '*': { expression: '* * * * * *' } }));
    expect(parseCronScheduleOverrides(every)).toEqual({ '*': { expression: '* * * * * *' } });
  });
});
