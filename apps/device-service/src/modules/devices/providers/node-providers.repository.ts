import { Injectable } from '@nestjs/common';
import { SqlClient } from '@cloudphone/shared';
import type { DeviceProviderKind } from '../../../config/device-service.config';
import type { ProviderSettings } from '../../../integrations/device-provider/provider-settings';

/** A node that runs its devices at a provider of its own (migration 0013). */
export interface NodeProvider {
  nodeId: string;
  provider: DeviceProviderKind;
  settings: ProviderSettings;
}

/** SQL of per-node providers: which nodes have one, and with what settings. */
@Injectable()
export class NodeProvidersRepository {
  constructor(private readonly sql: SqlClient) {}

  /** The node's own provider, or null when its devices use the deployment's DEVICE_PROVIDER. */
  of(nodeId: string): Promise<NodeProvider | null> {
    return this.sql.one<NodeProvider>(`${SELECT} WHERE id = $1 AND provider IS NOT NULL`, [nodeId]);
  }

  /** Every node with a provider of its own. */
  all(): Promise<NodeProvider[]> {
    return this.sql.rows<NodeProvider>(`${SELECT} WHERE provider IS NOT NULL ORDER BY id`);
  }
}

const SELECT = `SELECT id AS "nodeId", provider, provider_settings AS settings FROM device_nodes`;
