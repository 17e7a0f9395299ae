import type { DevicePowerState } from '@cloudphone/contracts';
import type { ProviderDeviceState } from '../../../integrations/device-provider/device-provider';

/**
 * Whether a probe answer means the device works: running, booting (after a start or reboot), or
 * stopped because its renter or an admin stopped it. Anything else, or no answer at all (null), is
 * a failed probe.
 */
export function probeHealthy(state: ProviderDeviceState | null, powerState: DevicePowerState): boolean {
  if (state === 'running' || state === 'provisioning') return true;
  return state === 'stopped' && powerState === 'off';
}
