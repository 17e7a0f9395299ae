import type { NodeProvider } from '@cloudphone/contracts';
import {
  parseProviderSettings,
  type ProviderSettings,
} from '../../integrations/device-provider/provider-settings';

/** What a node create or update asks of the node's provider. */
export interface ProviderRequest {
  provider?: NodeProvider | null;
  providerSettings?: Record<string, unknown>;
}

export type ProviderChange =
  | { kind: 'none' }
  /** `switches`: another provider than now, which only a node without devices may take. */
  | { kind: 'set'; provider: NodeProvider | null; settings: ProviderSettings; switches: boolean }
  | { kind: 'invalid'; reason: string };

/**
 * The provider and settings a node ends with. Settings alone apply to the node's current provider;
 * a new provider takes the settings given with it (or none). Without a provider of its own a node
 * takes no settings: its devices use the deployment's, from the environment.
 */
export function providerChangeOf(current: NodeProvider | null, request: ProviderRequest): ProviderChange {
  if (request.provider === undefined && request.providerSettings === undefined) return { kind: 'none' };
  const provider = request.provider === undefined ? current : request.provider;
  if (provider === null) {
    if (request.providerSettings !== undefined && Object.keys(request.providerSettings).length > 0) {
      return {
        kind: 'invalid',
        reason:
          "providerSettings need a provider: without one the node uses the deployment's DEVICE_PROVIDER",
      };
    }
    return { kind: 'set', provider: null, settings: {}, switches: current !== null };
  }
  const parsed = parseProviderSettings(provider, request.providerSettings ?? {});
  if ('problems' in parsed) return { kind: 'invalid', reason: parsed.problems.join('; ') };
  return { kind: 'set', provider, settings: parsed.settings, switches: provider !== current };
}
