import type { NodeProvider, NodeResponse, NodeState, NodeTaint, NodeUsage } from '@cloudphone/contracts';

/** A node as stored, with what it holds now. */
export interface NodeRecord {
  id: string;
  name: string;
  region: string;
  state: NodeState;
  cpuCores: number;
  memoryMb: string;
  storageGb: string;
  maxDevices: number;
  labels: Record<string, string>;
  taints: NodeTaint[];
  costPerHourMinor: string;
  provider: NodeProvider | null;
  providerSettings: Record<string, string | number>;
  usage: NodeUsage;
  createdAt: Date;
  updatedAt: Date;
}

export function toNodeResponse(node: NodeRecord): NodeResponse {
  return {
    id: node.id,
    name: node.name,
    region: node.region,
    state: node.state,
    cpuCores: node.cpuCores,
    memoryMb: Number(node.memoryMb),
    storageGb: Number(node.storageGb),
    maxDevices: node.maxDevices,
    labels: node.labels,
    taints: node.taints,
    costPerHourMinor: Number(node.costPerHourMinor),
    provider: node.provider,
    providerSettings: node.providerSettings,
    usage: node.usage,
    createdAt: node.createdAt.toISOString(),
    updatedAt: node.updatedAt.toISOString(),
  };
}
