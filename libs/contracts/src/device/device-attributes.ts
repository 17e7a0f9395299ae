import { DEVICE_SPEC_BOUNDS } from './device-spec';

/**
 * Lifecycle of a device in the pool: provisioning → available → allocated → resetting → available,
 * plus maintenance, failed and retired. Only `available` devices can be allocated, and a device
 * becomes `available` only when new or once its provider confirmed a wipe.
 */
export const DEVICE_STATUSES = [
  'provisioning',
  'available',
  'allocated',
  'resetting',
  'maintenance',
  'failed',
  'retired',
] as const;
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];

/** Power as last set through the platform. */
export const DEVICE_POWER_STATES = ['on', 'off'] as const;
export type DevicePowerState = (typeof DEVICE_POWER_STATES)[number];

/** Power actions of `POST /devices/:id/{start,stop,reboot}` and their batch form. */
export const DEVICE_POWER_ACTIONS = ['start', 'stop', 'reboot'] as const;
export type DevicePowerAction = (typeof DEVICE_POWER_ACTIONS)[number];

/** Last known health; allocation picks `healthy` devices only. */
export const DEVICE_HEALTH_STATES = ['healthy', 'degraded', 'unhealthy', 'unknown'] as const;
export type DeviceHealth = (typeof DEVICE_HEALTH_STATES)[number];

/**
 * Bounds and formats of device fields, shared by the request DTOs and the database CHECKs, so an
 * absurd or hostile value is a 400 rather than a database error.
 */
export const DEVICE_FIELD_LIMITS = {
  /** cpuCores, memoryMb, storageGb: one device's bounds (device-spec.ts). */
  ...DEVICE_SPEC_BOUNDS,
  /** e.g. `eu-west-1`, `cn-hangzhou`. */
  regionPattern: /^[a-z][a-z0-9-]{0,62}$/,
  /** e.g. `13`, `12.1`, `11.0.3`. */
  androidVersionPattern: /^\d{1,2}(\.\d{1,2}){0,2}$/,
  /** Provider names: `simulated`, vendor keys. */
  providerPattern: /^[a-z][a-z0-9-]{0,31}$/,
} as const;
