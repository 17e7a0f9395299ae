/**
 * Tag of every cached answer of `GET /scheduler/devices/available`. Whatever changes which devices
 * are free (a claim, a release, an admin edit) invalidates it after its commit, on every replica.
 */
export const AVAILABLE_DEVICES_CACHE_TAG = 'devices:available';
