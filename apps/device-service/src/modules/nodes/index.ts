// What other device-service modules may use of nodes (the scheduler's claim reads the placement settings).
export { NodesModule } from './nodes.module';
export { type PlacementSettings, PlacementSettingsService } from './placement-settings.service';
