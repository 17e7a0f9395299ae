import { Module } from '@nestjs/common';
import { DeviceServiceClientsModule } from '../../integrations/device-service';
import { QuotaReconciliationJob } from './jobs/quota-reconciliation.job';
import { QuotaReconciliationRepository } from './quota-reconciliation.repository';
import { QuotaReconciliationService } from './quota-reconciliation.service';
import { QuotasController } from './quotas.controller';
import { QuotasRepository } from './quotas.repository';
import { QuotasService } from './quotas.service';

@Module({
  imports: [DeviceServiceClientsModule],
  controllers: [QuotasController],
  providers: [
    QuotasService,
    QuotasRepository,
    QuotaReconciliationRepository,
    QuotaReconciliationService,
    QuotaReconciliationJob,
  ],
  exports: [QuotasService],
})
export class QuotasModule {}
