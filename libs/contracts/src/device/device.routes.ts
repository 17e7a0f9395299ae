/** device-service paths, relative to its base URL. */
export const DEVICE_ROUTES = {
  /** GET (admin, service): the pool, paginated; POST (admin): create a device through its provider. */
  devices: 'devices',
  /** GET (admin, service), PATCH (admin): one device; DELETE (admin): retire it. */
  device: 'devices/:id',
  /** POST (the renter holding it, admin): power the device on, off, or restart it. */
  deviceStart: 'devices/:id/start',
  deviceStop: 'devices/:id/stop',
  deviceReboot: 'devices/:id/reboot',
  /** POST (admin): the same for 1–100 devices, one result per device. */
  devicesBatchStart: 'devices/batch/start',
  devicesBatchStop: 'devices/batch/stop',
  devicesBatchReboot: 'devices/batch/reboot',
  /** GET (the renter holding it, admin): how to reach the device now (its allocation's access). */
  deviceConnection: 'devices/:id/connection',
  /** GET (public, with `?token=` from an allocation's access): the device's screen stream. */
  deviceStream: 'devices/:id/stream',
  /** POST: rent a free device matching the requirements (user; admin or service for a `userId`). */
  allocate: 'scheduler/devices/allocate',
  /** POST: end an allocation, by `allocationId` or by `deviceId`; a second release is a no-op. */
  release: 'scheduler/devices/release',
  /** GET: devices free to rent now (cached for a few seconds, evicted on every change). */
  available: 'scheduler/devices/available',
  /** GET: allocations, paginated and filtered (a user sees their own). */
  allocations: 'scheduler/allocations',
  /** GET (admin, service): allocation counts by status and region, and pool utilisation. */
  allocationStats: 'scheduler/allocations/stats',
  /** POST: 1–50 allocations, one result per item (Idempotency-Key: per item, the key plus its index). */
  allocateBatch: 'scheduler/allocations/batch',
  /** POST: 1–100 releases, one result per item. */
  releaseBatch: 'scheduler/allocations/batch/release',
  /** POST: 1–50 extensions, one result per item (Idempotency-Key required: the key plus the index). */
  extendBatch: 'scheduler/allocations/batch/extend',
  /** POST: the live allocations of 1–100 users (admin, service; a user only themself). */
  queryBatch: 'scheduler/allocations/batch/query',
  /** GET: one allocation (its owner, an admin or a service). */
  allocation: 'scheduler/allocations/:id',
  /** PUT (owner, admin, service; Idempotency-Key required): move an active allocation's end later. */
  extend: 'scheduler/allocations/:id/extend',
  /** GET (owner, admin, service): whether, how far and why not an allocation can be extended now. */
  extendInfo: 'scheduler/allocations/:id/extend-info',
  /** GET (owner, admin): how to reach the allocated device (ADB endpoint, stream, token) while active. */
  allocationAccess: 'scheduler/allocations/:id/access',
  /** GET (admin, service): nodes, paginated; POST (admin): add a node (a host devices run on). */
  nodes: 'scheduler/nodes',
  /** GET (admin, service), PUT (admin): one node; DELETE (admin): remove a node without devices. */
  node: 'scheduler/nodes/:id',
  /** POST (admin): take no new allocations and retire its devices as their allocations end. */
  nodeDrain: 'scheduler/nodes/:id/drain',
  /** POST (admin): take no new allocations, keep the devices. */
  nodeMaintenance: 'scheduler/nodes/:id/maintenance',
  /** POST (admin): schedulable again (undoes drain or maintenance). */
  nodeUncordon: 'scheduler/nodes/:id/uncordon',
  /** GET (admin, service): the node's usage samples (node-resource-monitor), oldest first. */
  nodeUsageTrend: 'scheduler/nodes/:id/usage-trend',
  /** GET (admin, service): usage samples summed over all nodes. */
  clusterUsageTrend: 'scheduler/cluster/usage-trend',
  /** GET (admin, service): nodes by state, devices by status, capacity by region. */
  clusterStats: 'scheduler/resources/cluster-stats',
  /** GET (admin, service): placement strategies; POST (admin): add one. */
  strategies: 'scheduler/strategies',
  /** GET (admin, service): the active strategy (spread when none is). */
  activeStrategy: 'scheduler/strategies/active',
  /** PUT, DELETE (admin): one strategy (the active one cannot be deleted). */
  strategy: 'scheduler/strategies/:id',
  /** POST (admin): make this strategy the one placement uses. */
  strategyActivate: 'scheduler/strategies/:id/activate',
  /** POST: book a device or a spec for a future slot; GET: reservations, paginated (a user sees their own). */
  reservations: 'scheduler/reservations',
  /** GET: one reservation; PUT: move or resize its slot (owner, admin, service). */
  reservation: 'scheduler/reservations/:id',
  /** POST: cancel a reservation; its slot is free and its quota back (owner, admin, service). */
  reservationCancel: 'scheduler/reservations/:id/cancel',
  /** POST: would a booking of this slot fit? Holds nothing. */
  reservationCheckConflict: 'scheduler/reservations/check-conflict',
  /** GET: reservations per status and what is coming (a user's own; admins and services everyone's). */
  reservationStats: 'scheduler/reservations/stats/summary',
  /** POST: wait for a device when none matching is free (user; admin or service for a userId). */
  queueJoin: 'scheduler/queue/join',
  /** GET: queue entries, paginated (a user sees their own). */
  queue: 'scheduler/queue',
  /** GET: waiting entries per tier, the oldest wait, and what ended in the last hour. */
  queueStats: 'scheduler/queue/stats',
  /** GET: one entry (its owner, an admin or a service). */
  queueEntry: 'scheduler/queue/:id',
  /** GET: an entry's place in the queue and estimated wait. */
  queuePosition: 'scheduler/queue/:id/position',
  /** POST: leave the queue; repeatable. */
  queueCancel: 'scheduler/queue/:id/cancel',
} as const;
