/** An API key as the service works with it: never the key itself, and not its hash. */
export interface ApiKeyRecord {
  id: string;
  userId: string;
  name: string;
  prefix: string;
  scopes: string[];
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

/** A key to store: its hash, never the key. */
export interface NewApiKey {
  userId: string;
  name: string;
  prefix: string;
  hash: Buffer;
  scopes: string[];
  expiresAt: Date | null;
}

/** Who a live key acts for, read in one statement with its owner. */
export interface ApiKeyGrantRow {
  keyId: string;
  userId: string;
  tenantId: string;
  roles: string[];
  scopes: string[];
  expiresAt: Date | null;
}
