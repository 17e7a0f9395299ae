import { Module } from '@nestjs/common';
import { DeviceProviderModule } from '../../integrations/device-provider/device-provider.module';
import { DeviceFreedSignal } from './device-freed.signal';
import { DeviceEventsPublisher } from './device-events.publisher';
import { DevicePowerUseCase } from './device-power.use-case';
import { DeviceHealthCheckUseCase } from './health/device-health-check.use-case';
import { DeviceHealthRepository } from './health/device-health.repository';
import { DeviceHealthCheckJob } from './health/jobs/device-health-check.job';
import { ReconcileProviderStateJob } from './reconciliation/jobs/reconcile-provider-state.job';
import { ProviderReconciliationRepository } from './reconciliation/provider-reconciliation.repository';
import { ProviderReconciliationUseCase } from './reconciliation/provider-reconciliation.use-case';
import { DeviceResetsRepository } from './hand-over/device-resets.repository';
import { DeviceHandOver } from './hand-over/device-hand-over.service';
import { ResetDevicesJob } from './hand-over/jobs/reset-devices.job';
import { DeviceMetricsJob } from './jobs/device-metrics.job';
import { DeviceLifecycleCleanupUseCase } from './lifecycle/device-lifecycle-cleanup.use-case';
import { DeviceLifecycleRepository } from './lifecycle/device-lifecycle.repository';
import { DeviceLifecycleCleanupJob } from './lifecycle/jobs/device-lifecycle-cleanup.job';
import { DeviceProvisioner } from './device-provisioner.service';
import { DevicesController } from './devices.controller';
import { DevicesRepository } from './devices.repository';
import { DevicesService } from './devices.service';
import { DeviceDrivers } from './providers/device-drivers.service';
import { NodeProvidersRepository } from './providers/node-providers.repository';

@Module({
  imports: [DeviceProviderModule],
  controllers: [DevicesController],
  providers: [
    DevicesService,
    DevicesRepository,
    DeviceProvisioner,
    NodeProvidersRepository,
    DeviceDrivers,
    DevicePowerUseCase,
    DeviceMetricsJob,
    DeviceFreedSignal,
    DeviceResetsRepository,
    DeviceHandOver,
    ResetDevicesJob,
    DeviceEventsPublisher,
    DeviceHealthRepository,
    DeviceHealthCheckUseCase,
    DeviceHealthCheckJob,
    ProviderReconciliationRepository,
    ProviderReconciliationUseCase,
    ReconcileProviderStateJob,
    DeviceLifecycleRepository,
    DeviceLifecycleCleanupUseCase,
    DeviceLifecycleCleanupJob,
  ],
  exports: [DevicesService, DeviceFreedSignal, DeviceHandOver, DeviceProvisioner, DeviceDrivers],
})
export class DevicesModule {}
