import type { MetricsService } from './metrics.service';

/** The release a process runs, as BUILD_VERSION and BUILD_REVISION set it (BaseServiceConfig). */
export interface BuildInfo {
  version: string;
  revision: string;
}

/**
 * Sets `cloudphone_build_info{version,revision,service} 1`, the Prometheus "info" pattern: joining
 * on it (`* on (instance) group_left (version) cloudphone_build_info`) shows which release each
 * replica runs, e.g. during a rollout.
 */
export function recordBuildInfo(metrics: MetricsService, build: BuildInfo): void {
  metrics
    .gauge({
      name: 'cloudphone_build_info',
      help: 'Always 1; the labels name the release this process runs (BUILD_VERSION, BUILD_REVISION)',
      labelNames: ['version', 'revision'],
    })
    .set({ version: build.version, revision: build.revision }, 1);
}
