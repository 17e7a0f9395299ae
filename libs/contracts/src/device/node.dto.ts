import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { composed } from '../common/composed.decorator';
import { OptionalField } from '../common/optional-field.decorator';
import { DEVICE_FIELD_LIMITS } from './device-attributes';

/** schedulable: takes allocations; maintenance: takes none; draining: takes none and empties. */
export const NODE_STATES = ['schedulable', 'maintenance', 'draining'] as const;
export type NodeState = (typeof NODE_STATES)[number];

/** Providers a node may run its devices at instead of the deployment's DEVICE_PROVIDER. */
export const NODE_PROVIDERS = ['simulated', 'redroid'] as const;
export type NodeProvider = (typeof NODE_PROVIDERS)[number];

export const NODE_TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule'] as const;
export type NodeTaintEffect = (typeof NODE_TAINT_EFFECTS)[number];

/** Bounds of node fields, shared by the DTOs and the database CHECKs (migration 0012). */
export const NODE_LIMITS = {
  namePattern: /^[a-z0-9][a-z0-9.-]{0,62}$/,
  labelKeyPattern: /^[a-z0-9]([a-z0-9._/-]{0,61}[a-z0-9])?$/,
  labelValueMaxLength: 63,
  maxLabels: 32,
  maxTaints: 16,
  maxCpuCores: 100_000,
  maxMemoryMb: 1_073_741_824,
  maxStorageGb: 1_073_741_824,
  maxDevices: 100_000,
  maxCostPerHourMinor: 1_000_000_000,
} as const;

const LABEL_KEY = { message: '$property keys must be lower-case letters, digits, and . _ / - inside' };

export class NodeTaint {
  @ApiProperty({ example: 'gpu' })
  @IsString()
  @Matches(NODE_LIMITS.labelKeyPattern, LABEL_KEY)
  key!: string;

  @ApiPropertyOptional({ example: 'true' })
  @OptionalField()
  @IsString()
  @MaxLength(NODE_LIMITS.labelValueMaxLength)
  @Matches(/^[\w.-]*$/, { message: 'value must be letters, digits, . _ -' })
  value?: string;

  @ApiProperty({ enum: NODE_TAINT_EFFECTS })
  @IsIn(NODE_TAINT_EFFECTS)
  effect!: NodeTaintEffect;
}

/** A capacity field: a whole number within bounds, required on create and optional on update. */
function CapacityField(example: number, min: number, max: number, optional: boolean): PropertyDecorator {
  return composed([
    optional
      ? ApiPropertyOptional({ example, minimum: min, maximum: max })
      : ApiProperty({ example, minimum: min, maximum: max }),
    ...(optional ? [OptionalField()] : []),
    IsInt(),
    Min(min),
    Max(max),
  ]);
}

/** What create and update share: labels, taints, cost (all optional). */
class NodeExtrasFields {
  @ApiPropertyOptional({
    example: { zone: 'a' },
    description: 'string values (keys [a-z0-9._/-], at most 32)',
  })
  @OptionalField()
  @IsObject()
  labels?: Record<string, string>;

  @ApiPropertyOptional({ type: [NodeTaint] })
  @OptionalField()
  @IsArray()
  @ArrayMaxSize(NODE_LIMITS.maxTaints)
  @ValidateNested({ each: true })
  @Type(() => NodeTaint)
  taints?: NodeTaint[];

  @ApiPropertyOptional({ example: 12, description: 'What an hour of a device here costs (minor units)' })
  @OptionalField()
  @IsInt()
  @Min(0)
  @Max(NODE_LIMITS.maxCostPerHourMinor)
  costPerHourMinor?: number;

  @ApiPropertyOptional({
    type: Object,
    example: { dockerUrl: 'http://10.0.0.5:2375', advertisedHost: '10.0.0.5' },
    description:
      "Settings of the node's provider (redroid: dockerUrl, apiVersion, image, bootArgs, advertisedHost, adbBindIp, timeoutMs; simulated: none). Unset ones come from the REDROID_* settings.",
  })
  @OptionalField()
  @IsObject()
  providerSettings?: Record<string, unknown>;
}

/** Body of admin `PUT /scheduler/nodes/:id`: any of capacity, labels, taints, cost, provider. */
export class UpdateNodeRequest extends NodeExtrasFields {
  @ApiPropertyOptional({
    enum: NODE_PROVIDERS,
    nullable: true,
    description:
      "null: back to the deployment's DEVICE_PROVIDER. Only a node without devices changes provider.",
  })
  @ValidateIf((_node: object, value: unknown) => value !== undefined && value !== null)
  @IsIn(NODE_PROVIDERS)
  provider?: NodeProvider | null;

  @CapacityField(64, 1, NODE_LIMITS.maxCpuCores, true)
  cpuCores?: number;

  @CapacityField(262144, 256, NODE_LIMITS.maxMemoryMb, true)
  memoryMb?: number;

  @CapacityField(4096, 1, NODE_LIMITS.maxStorageGb, true)
  storageGb?: number;

  @CapacityField(40, 1, NODE_LIMITS.maxDevices, true)
  maxDevices?: number;
}

/** Body of admin `POST /scheduler/nodes`. */
export class CreateNodeRequest extends NodeExtrasFields {
  @ApiPropertyOptional({
    enum: NODE_PROVIDERS,
    description: "Where the node's devices are created; default: the deployment's DEVICE_PROVIDER",
  })
  @OptionalField()
  @IsIn(NODE_PROVIDERS)
  provider?: NodeProvider;

  @ApiProperty({ example: 'host-eu-1' })
  @IsString()
  @Matches(NODE_LIMITS.namePattern, { message: 'name must be lower-case letters, digits, . and -' })
  name!: string;

  @ApiProperty({ example: 'eu-west-1' })
  @IsString()
  @Matches(DEVICE_FIELD_LIMITS.regionPattern, { message: 'region must be lower-case letters, digits and -' })
  region!: string;

  @CapacityField(64, 1, NODE_LIMITS.maxCpuCores, false)
  cpuCores!: number;

  @CapacityField(262144, 256, NODE_LIMITS.maxMemoryMb, false)
  memoryMb!: number;

  @CapacityField(4096, 1, NODE_LIMITS.maxStorageGb, false)
  storageGb!: number;

  @CapacityField(40, 1, NODE_LIMITS.maxDevices, false)
  maxDevices!: number;
}

/** What a node holds now. */
export class NodeUsage {
  @ApiProperty() devices!: number;
  @ApiProperty() allocated!: number;
  @ApiProperty() available!: number;
  @ApiProperty() failed!: number;
  @ApiProperty({ description: 'Cores of its devices in allocations' }) cpuCoresUsed!: number;
  @ApiProperty({ description: 'Memory of its devices in allocations (MB)' }) memoryMbUsed!: number;
}

export class NodeResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() region!: string;
  @ApiProperty({ enum: NODE_STATES }) state!: NodeState;
  @ApiProperty() cpuCores!: number;
  @ApiProperty() memoryMb!: number;
  @ApiProperty() storageGb!: number;
  @ApiProperty() maxDevices!: number;
  @ApiProperty({ type: Object }) labels!: Record<string, string>;
  @ApiProperty({ type: [NodeTaint] }) taints!: NodeTaint[];
  @ApiProperty() costPerHourMinor!: number;
  @ApiProperty({
    enum: NODE_PROVIDERS,
    nullable: true,
    description: "null: the deployment's DEVICE_PROVIDER",
  })
  provider!: NodeProvider | null;
  @ApiProperty({ type: Object }) providerSettings!: Record<string, string | number>;
  @ApiProperty({ type: NodeUsage }) usage!: NodeUsage;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class NodeUsageSample extends NodeUsage {
  @ApiProperty({ format: 'date-time' }) at!: string;
}

/** `GET /scheduler/nodes/:id/usage-trend` (one node) and `GET /scheduler/cluster/usage-trend` (summed). */
export class UsageTrendResponse {
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) nodeId!: string | null;
  @ApiProperty({ type: [NodeUsageSample] }) samples!: NodeUsageSample[];
}

export class RegionCapacity {
  @ApiProperty() region!: string;
  @ApiProperty() nodes!: number;
  @ApiProperty() maxDevices!: number;
  @ApiProperty() devices!: number;
  @ApiProperty() allocated!: number;
  @ApiProperty() available!: number;
}

/** `GET /scheduler/resources/cluster-stats`. */
export class ClusterStatsResponse {
  @ApiProperty({ type: Object, example: { schedulable: 3, maintenance: 0, draining: 1 } })
  nodesByState!: Record<NodeState, number>;
  @ApiProperty({ type: Object, example: { available: 10, allocated: 20 } })
  devicesByStatus!: Record<string, number>;
  @ApiProperty({ type: [RegionCapacity] }) byRegion!: RegionCapacity[];
  @ApiProperty({ description: 'allocated ÷ devices in service' }) utilisation!: number;
}
