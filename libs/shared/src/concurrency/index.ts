export { mapInParallel } from './map-in-parallel';
export { CoalescedRuns } from './coalesced-runs';
