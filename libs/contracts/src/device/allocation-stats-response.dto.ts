import { ApiProperty } from '@nestjs/swagger';

/** One region's pool and load. */
export class RegionAllocationStats {
  @ApiProperty({ example: 'eu-west-1' })
  region!: string;

  @ApiProperty({ description: 'Devices that may be rented (status available)' })
  rentableDevices!: number;

  @ApiProperty({ description: 'Allocations holding a device (pending or active)' })
  activeAllocations!: number;

  @ApiProperty({ example: 0.42, description: 'activeAllocations / rentableDevices (0 without devices)' })
  utilisation!: number;
}

/** Answer of `GET /scheduler/allocations/stats`. */
export class AllocationStatsResponse {
  @ApiProperty({ description: 'Allocations holding a device now (pending or active)' })
  active!: number;

  @ApiProperty({
    example: { pending: 0, active: 12, released: 340, expired: 25, failed: 3 },
    description: 'Allocations per status (rows not yet moved to history)',
  })
  byStatus!: Record<string, number>;

  @ApiProperty({ type: [RegionAllocationStats] })
  byRegion!: RegionAllocationStats[];

  @ApiProperty({ description: 'Devices that may be rented (status available)' })
  rentableDevices!: number;

  @ApiProperty({ example: 0.42, description: 'active / rentableDevices over the whole pool' })
  utilisation!: number;

  @ApiProperty({ format: 'date-time', description: 'Database time the figures were read' })
  at!: string;
}
