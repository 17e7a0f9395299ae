import { Module } from '@nestjs/common';
import { ProviderVendors } from './provider-vendors.service';

/** The vendor driver of each provider, for the modules that call vendors (import, probes, traffic). */
@Module({ providers: [ProviderVendors], exports: [ProviderVendors] })
export class ProviderVendorsModule {}
