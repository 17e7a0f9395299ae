import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNumber, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { OptionalField } from '../common/optional-field.decorator';

/**
 * How placement scores a node once requirements, health, schedulability and taints have filtered:
 * `spread` prefers the least loaded node, `binpack` the fullest one that still fits, `cost` the
 * cheapest. Affinity to the node of the user's previous device is added on top.
 */
export const SCHEDULING_POLICIES = ['spread', 'binpack', 'cost'] as const;
export type SchedulingPolicy = (typeof SCHEDULING_POLICIES)[number];

/** What create and update share: the affinity weight and a description (both optional). */
class StrategyExtrasFields {
  @ApiPropertyOptional({
    example: 0.3,
    description: "Weight of the user's previous node against the policy's 0–1 score",
  })
  @OptionalField()
  @IsNumber({ maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(10)
  affinityWeight?: number;

  @ApiPropertyOptional()
  @OptionalField()
  @IsString()
  @MaxLength(500)
  description?: string;
}

/** Body of admin `PUT /scheduler/strategies/:id`. */
export class UpdateStrategyRequest extends StrategyExtrasFields {
  @ApiPropertyOptional({ example: 'pack the night shift' })
  @OptionalField()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ enum: SCHEDULING_POLICIES })
  @OptionalField()
  @IsIn(SCHEDULING_POLICIES)
  policy?: SchedulingPolicy;
}

/** Body of admin `POST /scheduler/strategies`. */
export class CreateStrategyRequest extends StrategyExtrasFields {
  @ApiProperty({ example: 'spread evenly' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiProperty({ enum: SCHEDULING_POLICIES })
  @IsIn(SCHEDULING_POLICIES)
  policy!: SchedulingPolicy;
}

export class StrategyResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: SCHEDULING_POLICIES }) policy!: SchedulingPolicy;
  @ApiProperty() affinityWeight!: number;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty() active!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

/** Answer of `GET /scheduler/strategies/active` when no strategy is active: the default policy. */
export class NoActiveStrategyResponse {
  @ApiProperty({ enum: ['spread'] }) policy!: 'spread';
  @ApiProperty({ type: Boolean, description: 'Always false' }) active!: false;
  @ApiProperty({ type: String, nullable: true, description: 'Always null' }) name!: null;
}

/** One device placement considered, with how its score was made. */
export class PlacementCandidate {
  @ApiProperty({ format: 'uuid' }) deviceId!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) nodeId!: string | null;
  @ApiProperty({ nullable: true, type: String }) nodeName!: string | null;
  @ApiProperty() score!: number;
  @ApiProperty({ description: "The policy's part, 0–1" }) policyScore!: number;
  @ApiProperty({ description: "The user's previous node: affinityWeight, else 0" }) affinity!: number;
  @ApiProperty({ description: 'A PreferNoSchedule taint the request does not tolerate: -0.5' })
  taintPenalty!: number;
  @ApiProperty() load!: number;
  @ApiProperty() costPerHourMinor!: number;
  @ApiProperty() cpuCores!: number;
  @ApiProperty() memoryMb!: number;
  @ApiProperty() storageGb!: number;
}

/** Answer of admin `POST /scheduler/devices/allocate?explain=true`: a dry run, nothing is claimed. */
export class PlacementExplanation {
  @ApiProperty({ enum: SCHEDULING_POLICIES }) policy!: SchedulingPolicy;
  @ApiProperty({ nullable: true, type: String }) strategy!: string | null;
  @ApiProperty({ type: PlacementCandidate, nullable: true }) chosen!: PlacementCandidate | null;
  @ApiProperty({ type: [PlacementCandidate] }) alternatives!: PlacementCandidate[];
}
