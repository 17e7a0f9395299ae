/** user-service paths, relative to its base URL. */
export const USER_ROUTES = {
  users: 'users',
} as const;
