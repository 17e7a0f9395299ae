import { RedisCircuitBreaker } from './redis-circuit-breaker';

describe('RedisCircuitBreaker', () => {
  let now = 0;
  const states: string[] = [];
  const breaker = () =>
    new RedisCircuitBreaker({
      failureThreshold: 3,
      openMs: 1000,
      now: () => now,
      onStateChange: (s) => states.push(s),
    });

  beforeEach(() => {
    now = 0;
    states.length = 0;
  });

  it('opens after consecutive failures, then lets exactly one probe through after openMs', () => {
    const circuit = breaker();
    circuit.recordFailure();
    circuit.recordSuccess();
    circuit.recordFailure();
    circuit.recordFailure();
    expect(circuit.allowRequest()).toBe(true);
    circuit.recordFailure();
    expect(circuit.state).toBe('open');
    expect(circuit.allowRequest()).toBe(false);
    now = 1000;
    expect(circuit.allowRequest()).toBe(true);
    expect(circuit.allowRequest()).toBe(false);
    circuit.recordSuccess();
    expect(circuit.state).toBe('closed');
    expect(states).toEqual(['open', 'half-open', 'closed']);
  });

  it('re-opens when the probe fails', () => {
    const circuit = breaker();
    for (let i = 0; i < 3; i += 1) circuit.recordFailure();
    now = 1500;
    expect(circuit.allowRequest()).toBe(true);
    circuit.recordFailure();
    expect(circuit.state).toBe('open');
    now = 2000;
    expect(circuit.allowRequest()).toBe(false);
    now = 2500;
    expect(circuit.allowRequest()).toBe(true);
  });
});
