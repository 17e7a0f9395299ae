/** Roles a user may hold; `admin` unlocks the admin routes of every service. */
export const USER_ROLES = ['user', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** Service tiers; each has default quota limits. */
export const USER_TIERS = ['free', 'standard', 'pro', 'enterprise'] as const;
export type UserTier = (typeof USER_TIERS)[number];

/** Only `active` users may log in or take quota; `deleted` is a soft delete. */
export const USER_STATUSES = ['active', 'suspended', 'deleted'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/** Bounds for user fields, shared by the request DTOs and the database CHECKs. */
export const USER_FIELD_LIMITS = {
  emailMaxLength: 254,
  displayNameMaxLength: 120,
  passwordMinLength: 10,
  // scrypt cost does not grow with length, but a cap keeps request bodies and logs sane.
  passwordMaxLength: 256,
  tenantIdPattern: /^[a-z0-9][a-z0-9-]{0,62}$/,
} as const;
