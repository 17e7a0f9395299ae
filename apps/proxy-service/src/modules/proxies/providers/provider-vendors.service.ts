import { Injectable } from '@nestjs/common';
import { ProxyServiceConfig } from '../../../config/proxy-service.config';
import { createProxyVendor, type ProxyVendor } from '../../../integrations/proxy-vendor';
import type { ProxyProviderRecord } from './proxy-provider-record';
import { CredentialsCipher } from '@cloudphone/shared';

/** Webshare's API when a provider names none. */
export const WEBSHARE_DEFAULT_API_URL = 'https://proxy.webshare.io';

/**
 * The vendor driver of a provider row: built per call from the row (its kind, URL and decrypted
 * key), so a key changed through the API applies to the next call on every replica. A manual
 * provider has none.
 */
@Injectable()
export class ProviderVendors {
  constructor(
    private readonly config: ProxyServiceConfig,
    private readonly cipher: CredentialsCipher,
  ) {}

  of(provider: ProxyProviderRecord): ProxyVendor | null {
    switch (provider.kind) {
      case 'manual':
        return null;
      case 'simulated':
        return createProxyVendor({
          kind: 'simulated',
          seed: this.config.simulatedSeed,
          size: this.config.simulatedPoolSize,
        });
      case 'webshare':
        return createProxyVendor({
          kind: 'webshare',
          baseUrl: provider.apiUrl ?? WEBSHARE_DEFAULT_API_URL,
          apiKey: this.cipher.decryptOptional(provider.apiKeyEncrypted) ?? '',
          timeoutMs: this.config.vendorTimeoutMs,
        });
    }
  }
}
