/** Roles a user may hold; `admin` unlocks the admin routes of every service. */
export const USER_ROLES = ['user', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** Service tiers; each has default quota limits. */
export const USER_TIERS = ['free', 'standard', 'pro', 'enterprise'] as const;
export type UserTier = (typeof USER_TIERS)[number];

/**
 * Only `active` users may log in or take quota; `pending` is a self-registered user who has not
 * verified their email yet; `deleted` is a soft delete.
 */
export const USER_STATUSES = ['pending', 'active', 'suspended', 'deleted'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/** Bounds for user fields, shared by the request DTOs and the database CHECKs. */
export const USER_FIELD_LIMITS = {
  emailMaxLength: 254,
  displayNameMaxLength: 120,
  passwordMinLength: 10,
  // scrypt cost does not grow with length, but a cap keeps request bodies and logs sane.
  passwordMaxLength: 256,
  tenantIdPattern: /^[a-z0-9][a-z0-9-]{0,62}$/,
  /** 3–32 letters, digits, `_`, `.` or `-`, starting with a letter or digit; never an email. */
  usernamePattern: /^[A-Za-z0-9][A-Za-z0-9_.-]{2,31}$/,
  /** Emailed single-use tokens and API keys are base64url text. */
  tokenMaxLength: 128,
} as const;

/**
 * What an API key may do, as `<area>:read` (GET routes) or `<area>:write` (every method; it
 * includes read). A route serves keys only when its controller names its area, and never to admin
 * routes: a key acts as its owner without the admin role.
 */
export const API_KEY_SCOPE_AREAS = [
  'account',
  'scheduler',
  'devices',
  'billing',
  'proxy',
  'sms',
  'notifications',
] as const;
export type ApiKeyScopeArea = (typeof API_KEY_SCOPE_AREAS)[number];
export const API_KEY_SCOPES = API_KEY_SCOPE_AREAS.flatMap((area) => [`${area}:read`, `${area}:write`]);
export type ApiKeyScope = `${ApiKeyScopeArea}:${'read' | 'write'}`;

/** Every API key starts with this, so a bearer token is told apart from a JWT without parsing it. */
export const API_KEY_PREFIX = 'cpk_';
/**
 * A whole API key: the prefix and 32 random bytes in base64url (43 characters). Anything else is
 * refused before a lookup, so a malformed or oversized key never costs a hash or a request.
 */
export const API_KEY_PATTERN = /^cpk_[A-Za-z0-9_-]{43}$/;
