import { Injectable, Logger } from '@nestjs/common';
import type { CreateUserRequest, UpdateUserRequest, UserResponse } from '@cloudphone/contracts';
import {
  ADMIN_ROLE,
  actorOf,
  assertMayActFor,
  standingToward,
  type ListQuery,
  type Page,
  type Principal,
  TransactionRunner,
} from '@cloudphone/shared';
import { QuotasService } from '../quotas';
import { PasswordHasher } from './password-hasher.service';
import type { UserRecord, UserWithPasswordHash } from './user-record';
import { toUserResponse } from './user-response.mapper';
import { UserErrors } from './users.errors';
import { UsersEventsPublisher } from './users-events.publisher';
import { type NewUser, UsersRepository } from './users.repository';

const DEFAULT_TENANT = 'default';

@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly users: UsersRepository,
    private readonly passwords: PasswordHasher,
    private readonly quotas: QuotasService,
    private readonly publisher: UsersEventsPublisher,
  ) {}

  async list(query: ListQuery): Promise<Page<UserResponse>> {
    const page = await this.users.list(query);
    return { ...page, items: page.items.map(toUserResponse) };
  }

  /** Creates a user (admin); 409 EMAIL_TAKEN when the email exists in any letter case. */
  async create(request: CreateUserRequest): Promise<UserResponse> {
    const id = await this.users.insertUnlessEmailTaken(await this.newUser(request));
    if (!id) throw UserErrors.emailTaken();
    this.logger.log({ msg: 'user created', userId: id, tier: request.tier ?? 'free', roles: request.roles });
    return toUserResponse(await this.require(id));
  }

  /**
   * Creates the configured first admin unless a user with that email exists. Safe when several
   * replicas boot together: the unique email index lets exactly one insert win.
   */
  async ensureAdmin(email: string, password: string): Promise<'created' | 'exists'> {
    if (await this.users.findByEmailWithPassword(email)) return 'exists';
    const id = await this.users.insertUnlessEmailTaken(
      await this.newUser({ email, password, displayName: 'Administrator', roles: ['admin', 'user'] }),
    );
    return id ? 'created' : 'exists';
  }

  /** One user: admins and services see anyone, a user only themself. */
  async get(principal: Principal, id: string): Promise<UserResponse> {
    assertMayActFor(principal, id, UserErrors.otherUsersProfile);
    return toUserResponse(await this.require(id));
  }

  /** The caller's own profile. */
  async me(principal: Principal): Promise<UserResponse> {
    if (principal.kind !== 'user') throw UserErrors.noProfileForServices();
    return toUserResponse(await this.require(principal.userId));
  }

  /**
   * Changes roles, tier, status or display name (admin). A tier change moves the quota limits to
   * the new tier's defaults in the same transaction (unless custom limits were set).
   */
  async update(principal: Principal, id: string, request: UpdateUserRequest): Promise<UserResponse> {
    const changes = {
      ...(request.roles !== undefined && { roles: request.roles }),
      ...(request.tier !== undefined && { tier: request.tier }),
      ...(request.status !== undefined && { status: request.status }),
      ...(request.displayName !== undefined && { displayName: request.displayName }),
    };
    if (Object.keys(changes).length === 0) throw UserErrors.emptyUpdate();
    const locksSelfOut =
      standingToward(principal, id) === 'self' &&
      ((changes.roles !== undefined && !changes.roles.some((role) => role === ADMIN_ROLE)) ||
        (changes.status !== undefined && changes.status !== 'active'));
    if (locksSelfOut) throw UserErrors.ownAccessChange();

    const updated = await this.transactions.run(async () => {
      const current = await this.users.findByIdForUpdate(id);
      if (!current) throw UserErrors.notFound(id);
      await this.users.update(id, changes);
      if (changes.tier !== undefined && changes.tier !== current.tier) {
        await this.quotas.applyTierDefaults(id, changes.tier);
      }
      const after = await this.require(id);
      await this.publisher.changed(current, after);
      return after;
    });
    this.logger.log({
      msg: 'user updated',
      userId: id,
      changes: Object.keys(changes),
      by: actorOf(principal),
    });
    return toUserResponse(updated);
  }

  /** The user with this email (any case) and their password hash, for login; null when unknown. */
  findForLogin(email: string): Promise<UserWithPasswordHash | null> {
    return this.users.findByEmailWithPassword(email);
  }

  private async require(id: string): Promise<UserRecord> {
    const user = await this.users.findById(id);
    if (!user) throw UserErrors.notFound(id);
    return user;
  }

  private async newUser(request: CreateUserRequest): Promise<NewUser> {
    return {
      email: request.email,
      passwordHash: await this.passwords.hash(request.password),
      displayName: request.displayName,
      roles: request.roles ?? ['user'],
      tier: request.tier ?? 'free',
      tenantId: request.tenantId ?? DEFAULT_TENANT,
    };
  }
}
