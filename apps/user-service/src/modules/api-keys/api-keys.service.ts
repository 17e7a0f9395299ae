import { Injectable, Logger } from '@nestjs/common';
import type { ApiKeyResponse, CreateApiKeyRequest, CreatedApiKeyResponse } from '@cloudphone/contracts';
import {
  ADMIN_ROLE,
  actorOf,
  actsForEveryone,
  type ApiKeyGrant,
  type ListQuery,
  type Page,
  type Principal,
  TransactionRunner,
} from '@cloudphone/shared';
import { type RequestOrigin, SecurityAuditService } from '../audit';
import { generateApiKey, hashApiKey, isWellFormedApiKey } from './api-key-material';
import { toApiKeyResponse } from './api-key-response.mapper';
import { ApiKeysErrors, MAX_LIVE_API_KEYS_PER_USER } from './api-keys.errors';
import { ApiKeysRepository } from './api-keys.repository';

/** API keys: created and listed by their owner, revoked by it or an admin, introspected by services. */
@Injectable()
export class ApiKeysService {
  private readonly logger = new Logger(ApiKeysService.name);

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly keys: ApiKeysRepository,
    private readonly audit: SecurityAuditService,
  ) {}

  /** The caller's own keys, revoked ones included, newest first by default. */
  async list(principal: Principal, query: ListQuery): Promise<Page<ApiKeyResponse>> {
    const page = await this.keys.listOf(ownerOf(principal), query);
    return { ...page, items: page.items.map(toApiKeyResponse) };
  }

  /**
   * Creates a key for the caller and answers it once; only its SHA-256 is stored. The owner's row
   * lock serialises creations per user, so the count of keys in force cannot pass the limit.
   */
  async create(
    principal: Principal,
    request: CreateApiKeyRequest,
    origin: RequestOrigin,
  ): Promise<CreatedApiKeyResponse> {
    const userId = ownerOf(principal);
    const expiresAt = request.expiresAt === undefined ? null : new Date(request.expiresAt);
    if (expiresAt !== null && expiresAt.getTime() <= Date.now()) throw ApiKeysErrors.expiryInPast();
    const material = generateApiKey();
    const created = await this.transactions.run(async () => {
      const owner = await this.keys.lockOwner(userId);
      if (!owner) throw ApiKeysErrors.ownerNotFound(userId);
      if (owner.status !== 'active') throw ApiKeysErrors.ownerNotActive();
      if ((await this.keys.countLive(userId)) >= MAX_LIVE_API_KEYS_PER_USER) throw ApiKeysErrors.tooMany();
      const key = await this.keys.insertUnlessNameTaken({
        userId,
        name: request.name,
        prefix: material.prefix,
        hash: material.hash,
        scopes: request.scopes,
        expiresAt,
      });
      if (!key) throw ApiKeysErrors.nameTaken();
      await this.audit.record({
        event: 'api_key.created',
        userId,
        actor: actorOf(principal),
        origin,
        details: {
          keyId: key.id,
          prefix: key.prefix,
          scopes: key.scopes,
          expiresAt: request.expiresAt ?? null,
        },
      });
      return key;
    });
    this.logger.log({ msg: 'api key created', userId, keyId: created.id, scopes: created.scopes });
    return { ...toApiKeyResponse(created), key: material.key };
  }

  /**
   * Revokes a key in force: the owner's own, or any key for an admin. One conditional UPDATE
   * decides, so a key is revoked (and audited) once; revoking it again answers 404.
   */
  async revoke(principal: Principal, id: string, origin: RequestOrigin): Promise<ApiKeyResponse> {
    if (principal.kind !== 'user') throw ApiKeysErrors.usersOnly();
    const ownerId = actsForEveryone(principal) ? null : principal.userId;
    const revoked = await this.transactions.run(async () => {
      const key = await this.keys.revoke(id, ownerId);
      if (!key) throw ApiKeysErrors.notFound(id);
      await this.audit.record({
        event: 'api_key.revoked',
        userId: key.userId,
        actor: actorOf(principal),
        origin,
        details: { keyId: key.id, prefix: key.prefix },
      });
      return key;
    });
    this.logger.log({ msg: 'api key revoked', userId: revoked.userId, keyId: id, by: actorOf(principal) });
    return toApiKeyResponse(revoked);
  }

  /**
   * Who a key acts for, or null when it acts for no one (malformed, unknown, revoked, expired, or
   * its owner is not active). Moves last_used_at forward at most once a minute.
   */
  async introspect(key: string): Promise<ApiKeyGrant | null> {
    if (!isWellFormedApiKey(key)) return null;
    const grant = await this.keys.findGrant(hashApiKey(key), ADMIN_ROLE);
    return grant && { ...grant, expiresAt: grant.expiresAt?.toISOString() ?? null };
  }
}

/** The user whose keys a caller manages: themself. Services own no keys. */
function ownerOf(principal: Principal): string {
  if (principal.kind !== 'user') throw ApiKeysErrors.usersOnly();
  return principal.userId;
}
