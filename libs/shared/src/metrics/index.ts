export { type BuildInfo, recordBuildInfo } from './build-info.metric';
export { MetricsService } from './metrics.service';
