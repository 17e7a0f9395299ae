/** device-service paths, relative to its base URL. */
export const DEVICE_ROUTES = {
  devices: 'devices',
} as const;
