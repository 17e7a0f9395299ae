/**
 * Tag of every cached answer of `GET /scheduler/devices/available`. Whatever changes which devices
 * are free (a claim, a wipe that hands a device back, an admin edit) invalidates it after its
 * commit, on every replica. The end of an allocation does not: its device goes to `resetting`.
 */
export const AVAILABLE_DEVICES_CACHE_TAG = 'devices:available';
