import { FivesimSmsVendor } from './fivesim-sms-vendor';
import type { SmsVendor } from './sms-vendor';
import { SimulatedSmsVendor } from './simulated-sms-vendor';

export type SmsVendorSettings =
  | {
      kind: 'simulated';
      seed: number;
      successPercent?: number;
      delayMs?: { min: number; max: number };
      lifetimeMs?: number;
    }
  | { kind: 'fivesim'; baseUrl: string; apiKey: string; timeoutMs: number; currency?: string };

/** The driver `settings.kind` names, built from its settings (the service's config supplies them). */
export function createSmsVendor(settings: SmsVendorSettings): SmsVendor {
  switch (settings.kind) {
    case 'simulated':
      return new SimulatedSmsVendor({
        seed: settings.seed,
        successPercent: settings.successPercent,
        delayMs: settings.delayMs,
        lifetimeMs: settings.lifetimeMs,
      });
    case 'fivesim':
      return new FivesimSmsVendor({
        baseUrl: settings.baseUrl,
        apiKey: settings.apiKey,
        timeoutMs: settings.timeoutMs,
        currency: settings.currency,
      });
  }
}
