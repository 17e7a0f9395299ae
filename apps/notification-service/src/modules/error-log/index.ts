export { ErrorLogModule } from './error-log.module';
export { ErrorLog, type ErrorSource } from './error-log.service';
export { ErrorLogRepository, type ErrorGroup } from './error-log.repository';
