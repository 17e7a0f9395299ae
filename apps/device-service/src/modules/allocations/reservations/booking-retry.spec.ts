import { BOOKING_RETRY, bookingRetryDelayMs } from './book-reservation.use-case';

describe('bookingRetryDelayMs', () => {
  const retries = Array.from({ length: BOOKING_RETRY.attempts - 1 }, (_, index) => index + 1);

  it('waits half the exponential ceiling for sure and up to all of it at random', () => {
    expect(retries.map((retry) => bookingRetryDelayMs(retry, () => 0))).toEqual([
      3, 5, 10, 20, 40, 80, 100, 100, 100, 100, 100,
    ]);
    expect(retries.map((retry) => bookingRetryDelayMs(retry, () => 0.999999))).toEqual([
      5, 10, 20, 40, 80, 160, 200, 200, 200, 200, 200,
    ]);
  });

  it('spreads the attempts of a booking over more than half a second and less than a second and a half', () => {
    const total = (random: () => number) =>
      retries.reduce((sum, retry) => sum + bookingRetryDelayMs(retry, random), 0);
    expect(total(() => 0)).toBeGreaterThan(600);
    expect(total(() => 0.999999)).toBeLessThan(1500);
  });
});
