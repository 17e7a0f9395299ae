import { Module } from '@nestjs/common';
import { AlertsRepository } from '../costs/alerts.repository';
import { ProvidersRepository } from '../providers/providers.repository';
import { ProxiesRepository } from './proxies.repository';

/**
 * The pool's tables without routes: proxies, their providers and the alerts about them. The pool, providers, quality,
 * costs and rentals modules all read them; none of them has to import another's controllers.
 */
@Module({
  providers: [ProxiesRepository, ProvidersRepository, AlertsRepository],
  exports: [ProxiesRepository, ProvidersRepository, AlertsRepository],
})
export class PoolStoreModule {}
