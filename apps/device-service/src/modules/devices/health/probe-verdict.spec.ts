import { probeHealthy } from './probe-verdict';

describe('probeHealthy', () => {
  it('counts running and booting devices as healthy', () => {
    expect(probeHealthy('running', 'on')).toBe(true);
    expect(probeHealthy('provisioning', 'on')).toBe(true);
  });

  it('counts a stopped device healthy only when it was stopped on purpose', () => {
    expect(probeHealthy('stopped', 'off')).toBe(true);
    expect(probeHealthy('stopped', 'on')).toBe(false);
  });

  it('fails errors, vanished devices and unanswered probes', () => {
    expect(probeHealthy('error', 'on')).toBe(false);
    expect(probeHealthy('destroyed', 'on')).toBe(false);
    expect(probeHealthy(null, 'on')).toBe(false);
    expect(probeHealthy(null, 'off')).toBe(false);
  });
});
