import { Module } from '@nestjs/common';
import { AuditPartitionsRepository } from './audit-partitions.repository';
import { AuditPartitionsService } from './audit-partitions.service';
import { LoginStatsRefreshJob } from './jobs/login-stats-refresh.job';
import { PartitionManagerJob } from './jobs/partition-manager.job';
import { SecurityAuditController } from './security-audit.controller';
import { SecurityAuditQueryService } from './security-audit-query.service';
import { SecurityAuditRepository } from './security-audit.repository';
import { SecurityAuditService } from './security-audit.service';

@Module({
  controllers: [SecurityAuditController],
  providers: [
    SecurityAuditService,
    SecurityAuditRepository,
    SecurityAuditQueryService,
    AuditPartitionsRepository,
    AuditPartitionsService,
    PartitionManagerJob,
    LoginStatsRefreshJob,
  ],
  exports: [SecurityAuditService],
})
export class AuditModule {}
