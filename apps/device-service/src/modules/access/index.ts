// What other device-service modules may use of access (the scheduler adds it to its answers).
export { AccessModule } from './access.module';
export { AdbGateway } from './adb-gateway.service';
export { DeviceAccess } from './device-access.service';
