import { randomUUID } from 'node:crypto';
import type { AppError, Principal, TransactionRunner } from '@cloudphone/shared';
import type { SecurityAuditService } from '../audit';
import type { QuotasService } from '../quotas/quotas.service';
import type { PasswordHasher } from './password-hasher.service';
import type { UsersRepository } from './users.repository';
import type { UsersEventsPublisher } from './users-events.publisher';
import { UsersService } from './users.service';

// The checks UsersService makes before touching the database; the database paths are covered by
// apps/user-service/test/users-auth.int-spec.ts.
describe('UsersService access rules', () => {
  const repository = {
    findById: jest.fn(async () => null),
    findByIdForUpdate: jest.fn(),
    update: jest.fn(),
  };
  const transactions = { run: jest.fn() };
  const users = new UsersService(
    transactions as unknown as TransactionRunner,
    repository as unknown as UsersRepository,
    {} as PasswordHasher,
    {} as QuotasService,
    {} as UsersEventsPublisher,
    {} as SecurityAuditService,
  );
  const adminId = randomUUID();
  const admin: Principal = { kind: 'user', userId: adminId, roles: ['admin', 'user'], tenantId: 'default' };
  const plainUser: Principal = { kind: 'user', userId: randomUUID(), roles: ['user'], tenantId: 'default' };
  const service: Principal = { kind: 'service', service: 'device-service' };

  const codeOf = (promise: Promise<unknown>) =>
    promise.then(
      () => 'resolved',
      (error: AppError) => error.code,
    );

  beforeEach(() => jest.clearAllMocks());

  it('lets a user read only their own profile; admins and services anyone', async () => {
    const other = randomUUID();

    expect(await codeOf(users.get(plainUser, other))).toBe('FORBIDDEN');
    expect(await codeOf(users.get(plainUser, plainUser.kind === 'user' ? plainUser.userId : ''))).toBe(
      'USER_NOT_FOUND',
    );
    expect(await codeOf(users.get(admin, other))).toBe('USER_NOT_FOUND');
    expect(await codeOf(users.get(service, other))).toBe('USER_NOT_FOUND');
    expect(repository.findById).toHaveBeenCalledTimes(3);
  });

  it('has no profile for a service token', async () => {
    expect(await codeOf(users.me(service))).toBe('FORBIDDEN');
    expect(repository.findById).not.toHaveBeenCalled();
  });

  it('refuses an empty change and an admin removing their own access, before any write', async () => {
    expect(await codeOf(users.update(admin, randomUUID(), {}))).toBe('VALIDATION_FAILED');
    expect(await codeOf(users.update(admin, adminId, { roles: ['user'] }))).toBe('OWN_ACCESS_CHANGE');
    expect(await codeOf(users.update(admin, adminId, { status: 'suspended' }))).toBe('OWN_ACCESS_CHANGE');
    expect(await codeOf(users.update(admin, adminId, { status: 'deleted', tier: 'pro' }))).toBe(
      'OWN_ACCESS_CHANGE',
    );
    expect(transactions.run).not.toHaveBeenCalled();
    expect(repository.update).not.toHaveBeenCalled();
  });
});
