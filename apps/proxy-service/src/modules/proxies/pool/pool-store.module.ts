import { Module } from '@nestjs/common';
import { AlertsRepository } from '../costs/alerts.repository';
import { ProxyAlerts } from '../costs/proxy-alerts.service';
import { ProvidersRepository } from '../providers/providers.repository';
import { ProxiesRepository } from './proxies.repository';

/**
 * The pool's tables without routes: proxies, their providers and the alerts about them. The pool, providers, quality,
 * costs and rentals modules all read them; none of them has to import another's controllers.
 */
@Module({
  providers: [ProxiesRepository, ProvidersRepository, AlertsRepository, ProxyAlerts],
  exports: [ProxiesRepository, ProvidersRepository, AlertsRepository, ProxyAlerts],
})
export class PoolStoreModule {}
