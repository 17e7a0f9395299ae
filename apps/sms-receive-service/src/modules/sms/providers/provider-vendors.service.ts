import { Injectable } from '@nestjs/common';
import { CredentialsCipher } from '@cloudphone/shared';
import { SmsReceiveServiceConfig } from '../../../config/sms-receive-service.config';
import { createSmsVendor, type SmsVendor } from '../../../integrations/sms-vendor';
import type { SmsProviderRecord } from './sms-provider-record';

/** 5sim's API when a provider names none. */
export const FIVESIM_DEFAULT_API_URL = 'https://5sim.net';

/**
 * The vendor driver of a provider row, built per call from the row (kind, URL, decrypted key), so a
 * key changed through the API applies to the next call on every replica.
 */
@Injectable()
export class SmsProviderVendors {
  constructor(
    private readonly config: SmsReceiveServiceConfig,
    private readonly cipher: CredentialsCipher,
  ) {}

  of(provider: Pick<SmsProviderRecord, 'kind' | 'apiUrl' | 'apiKeyEncrypted'>): SmsVendor {
    switch (provider.kind) {
      case 'simulated':
        return createSmsVendor({
          kind: 'simulated',
          seed: this.config.simulatedSeed,
          successPercent: this.config.simulatedSuccessPercent,
          delayMs: {
            min: this.config.simulatedMinDelayMs,
            max: Math.max(this.config.simulatedMinDelayMs, this.config.simulatedMaxDelayMs),
          },
          lifetimeMs: this.config.simulatedLifetimeMinutes * 60_000,
        });
      case 'fivesim':
        return createSmsVendor({
          kind: 'fivesim',
          baseUrl: provider.apiUrl ?? FIVESIM_DEFAULT_API_URL,
          apiKey: this.cipher.decryptOptional(provider.apiKeyEncrypted) ?? '',
          timeoutMs: this.config.vendorTimeoutMs,
          currency: this.config.fivesimCurrency,
        });
    }
  }
}
