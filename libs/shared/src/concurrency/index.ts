export { mapInParallel } from './map-in-parallel';
