import { ApiProperty } from '@nestjs/swagger';

/** What one tier may do with extensions (device-service's EXTENSION_POLICIES, per tier). */
export class ExtensionPolicy {
  @ApiProperty({ example: 3, description: 'Extensions one allocation may have' })
  maxExtensions!: number;

  @ApiProperty({ example: 60, description: 'Longest single extension' })
  maxMinutesPerExtension!: number;

  @ApiProperty({ example: 180, description: 'All extensions of one allocation together' })
  maxTotalMinutes!: number;

  @ApiProperty({ example: 5, description: 'Wait after one extension before the next' })
  cooldownMinutes!: number;

  @ApiProperty({ example: 30, description: 'An extension is allowed only this close to the expiry' })
  windowMinutes!: number;
}

/** The policy fields, in the order they are documented and parsed. */
export const EXTENSION_POLICY_FIELDS = [
  'maxExtensions',
  'maxMinutesPerExtension',
  'maxTotalMinutes',
  'cooldownMinutes',
  'windowMinutes',
] as const satisfies ReadonlyArray<keyof ExtensionPolicy>;
