import { ApiProperty } from '@nestjs/swagger';

/** The security events user-service records (login, lockout, password, API key, role changes). */
export const SECURITY_AUDIT_EVENTS = [
  'login.succeeded',
  'login.failed',
  'login.locked',
  'user.registered',
  'user.verified',
  'user.roles_changed',
  'user.status_changed',
  'password.changed',
  'password.reset_requested',
  'password.reset',
  'api_key.created',
  'api_key.revoked',
] as const;
export type SecurityAuditEventName = (typeof SECURITY_AUDIT_EVENTS)[number];

/** One row of the security audit log. */
export class SecurityAuditEventResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'date-time' })
  occurredAt!: string;

  @ApiProperty({ enum: SECURITY_AUDIT_EVENTS })
  event!: SecurityAuditEventName;

  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'Whom it is about' })
  userId!: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'Who did it: a user id or service:<name>' })
  actor!: string | null;

  @ApiProperty({ nullable: true, type: String })
  ip!: string | null;

  @ApiProperty({ nullable: true, type: String })
  userAgent!: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true })
  details!: Record<string, unknown>;
}

/** One UTC day of `GET /auth/login-stats`. */
export class LoginStatsDay {
  @ApiProperty({ example: '2026-12-05' })
  day!: string;

  @ApiProperty()
  succeeded!: number;

  @ApiProperty()
  failed!: number;

  @ApiProperty()
  lockouts!: number;

  @ApiProperty()
  distinctUsers!: number;
}

/** Answer of `GET /auth/login-stats`: the last 90 days as of the view's last refresh. */
export class LoginStatsResponse {
  @ApiProperty({ type: LoginStatsDay, isArray: true })
  days!: LoginStatsDay[];
}
