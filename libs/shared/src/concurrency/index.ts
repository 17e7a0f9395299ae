export { mapInParallel } from './map-in-parallel';
export { CoalescedRuns } from './coalesced-runs';
export { AdmissionGate, AdmissionRefusedError } from './admission-gate';
export type { AdmissionGateOptions, AdmissionRefusal } from './admission-gate';
export { BatchingQueue } from './batching-queue';
export type { BatchItemOutcome, BatchSender } from './batching-queue';
export { AsyncContextKey } from './async-context';
