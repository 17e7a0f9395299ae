import { Injectable, Logger } from '@nestjs/common';
import type { CreateUserRequest, UpdateUserRequest, UserResponse, UserTier } from '@cloudphone/contracts';
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
import { type RequestOrigin, SecurityAuditService } from '../audit';
import { QuotasService } from '../quotas';
import { PasswordHasher } from './password-hasher.service';
import type { UserRecord, UserWithPasswordHash } from './user-record';
import { toUserResponse } from './user-response.mapper';
import { UserErrors } from './users.errors';
import { UsersEventsPublisher } from './users-events.publisher';
import { type LoginFailure, type LoginIdentifier, type NewUser, UsersRepository } from './users.repository';

/** A self-service sign-up, already validated; the password is hashed here. */
export interface SignUp {
  email: string;
  password: string;
  displayName: string;
  username?: string;
  tier: UserTier;
}

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
    private readonly audit: SecurityAuditService,
  ) {}

  async list(query: ListQuery): Promise<Page<UserResponse>> {
    const page = await this.users.list(query);
    return { ...page, items: page.items.map(toUserResponse) };
  }

  /** Creates a user (admin); 409 EMAIL_TAKEN when the email exists in any letter case. */
  async create(request: CreateUserRequest): Promise<UserResponse> {
    const id = await this.users.insertUnlessTaken(await this.newUser(request));
    if (!id) throw UserErrors.emailTaken();
    this.logger.log({ msg: 'user created', userId: id, tier: request.tier ?? 'free', roles: request.roles });
    return toUserResponse(await this.require(id));
  }

  /**
   * Creates the configured first admin unless a user with that email exists. Safe when several
   * replicas boot together: the unique email index lets exactly one insert win.
   */
  async ensureAdmin(email: string, password: string): Promise<'created' | 'exists'> {
    if (await this.users.emailExists(email)) return 'exists';
    const id = await this.users.insertUnlessTaken(
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
  async update(
    principal: Principal,
    id: string,
    request: UpdateUserRequest,
    origin?: RequestOrigin,
  ): Promise<UserResponse> {
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
      await this.auditAccessChange(principal, current, after, origin);
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

  /**
   * Inserts a pending self-registered user (in the caller's transaction); 409 EMAIL_TAKEN or
   * USERNAME_TAKEN. The unique indexes decide; the follow-up read only picks which to answer.
   */
  async signUp(request: SignUp): Promise<UserRecord> {
    const id = await this.users.insertUnlessTaken({
      email: request.email,
      username: request.username,
      status: 'pending',
      passwordHash: await this.passwords.hash(request.password),
      displayName: request.displayName,
      roles: ['user'],
      tier: request.tier,
      tenantId: DEFAULT_TENANT,
    });
    if (!id)
      throw (await this.users.emailExists(request.email))
        ? UserErrors.emailTaken()
        : UserErrors.usernameTaken();
    return this.require(id);
  }

  /** The user with this id, email or username (any case), their password hash and lockout state. */
  findForLogin(by: LoginIdentifier): Promise<UserWithPasswordHash | null> {
    return this.users.findWithPassword(by);
  }

  /** One user by id, for the auth flows; 404 USER_NOT_FOUND. */
  record(id: string): Promise<UserRecord> {
    return this.require(id);
  }

  recordLoginFailure(id: string, maxFailures: number, lockSeconds: number): Promise<LoginFailure | null> {
    return this.users.recordLoginFailure(id, maxFailures, lockSeconds);
  }

  clearLoginFailures(id: string): Promise<void> {
    return this.users.clearLoginFailures(id);
  }

  /** Stores a new password hash (from PasswordHasher.hash, made before the transaction) and lifts any lockout. */
  setPasswordHash(id: string, passwordHash: string): Promise<void> {
    return this.users.setPassword(id, passwordHash);
  }

  /** Marks the email verified; true when this activated a pending account. */
  verifyEmail(id: string): Promise<boolean> {
    return this.users.verifyEmail(id);
  }

  /** Role and status changes are security events: who changed whose access, from where. */
  private async auditAccessChange(
    principal: Principal,
    before: UserRecord,
    after: UserRecord,
    origin: RequestOrigin | undefined,
  ): Promise<void> {
    const actor = actorOf(principal);
    const rolesBefore = [...before.roles].sort().join(',');
    if (rolesBefore !== [...after.roles].sort().join(',')) {
      const details = { before: before.roles, after: after.roles };
      await this.audit.record({ event: 'user.roles_changed', userId: after.id, actor, origin, details });
    }
    if (before.status !== after.status) {
      const details = { before: before.status, after: after.status };
      await this.audit.record({ event: 'user.status_changed', userId: after.id, actor, origin, details });
    }
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
      status: 'active',
    };
  }
}
