// What other user-service modules may use of the audit log: recording an event, and the request origin.
export { AuditModule } from './audit.module';
export { CurrentOrigin, requestOriginOf } from './request-origin.decorator';
export type { RequestOrigin } from './request-origin.decorator';
export { SecurityAuditService } from './security-audit.service';
export type { SecurityAuditEntry } from './security-audit.service';
