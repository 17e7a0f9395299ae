import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { composed } from '../common/composed.decorator';
import { OptionalField } from '../common/optional-field.decorator';

/**
 * What one device offers, and so what one allocation of it holds: the resources quotas count and
 * prices depend on.
 */
export interface DeviceSpec {
  cpuCores: number;
  memoryMb: number;
  storageGb: number;
}

export type DeviceSpecField = keyof DeviceSpec;

/**
 * The bounds of one device, as the `devices` CHECKs of migration 0001 hold them. Everything that
 * describes one device or one allocation's device (a new device, allocation requirements, a
 * balance check, a usage record, `device.allocated`) is validated against them, so an absurd or
 * hostile value is a 400 rather than a database error or an overflow.
 */
export const DEVICE_SPEC_BOUNDS = {
  cpuCores: { min: 1, max: 128 },
  memoryMb: { min: 256, max: 1_048_576 },
  storageGb: { min: 1, max: 65_536 },
} as const satisfies Record<DeviceSpecField, { min: number; max: number }>;

const EXAMPLES: Record<DeviceSpecField, number> = { cpuCores: 4, memoryMb: 8192, storageGb: 64 };

/** Only the spec of `source` (a record, a request…), e.g. for a body that must carry no other field. */
export function deviceSpecOf(source: DeviceSpec): DeviceSpec {
  return { cpuCores: source.cpuCores, memoryMb: source.memoryMb, storageGb: source.storageGb };
}

export interface DeviceSpecPropertyOptions {
  /** Absent is allowed (an explicit `null` is still refused, see OptionalField). */
  optional?: boolean;
  description?: string;
}

/** Decorators applied as if stacked above a property in this order (TypeScript applies them bottom-up). */
/** The OpenAPI side of a spec field alone (example and bounds), for responses. */
export function DeviceSpecApiProperty(
  field: DeviceSpecField,
  options: DeviceSpecPropertyOptions = {},
): PropertyDecorator {
  const { min, max } = DEVICE_SPEC_BOUNDS[field];
  const schema = {
    example: EXAMPLES[field],
    minimum: min,
    maximum: max,
    ...(options.description === undefined ? {} : { description: options.description }),
  };
  return options.optional ? ApiPropertyOptional(schema) : ApiProperty(schema);
}

/** The validation side of a spec field alone: an integer within one device's bounds. */
export function IsDeviceSpecValue(field: DeviceSpecField): PropertyDecorator {
  const { min, max } = DEVICE_SPEC_BOUNDS[field];
  return composed([IsInt(), Min(min), Max(max)]);
}

/** A spec field of a request: documented and validated against DEVICE_SPEC_BOUNDS in one place. */
export function DeviceSpecProperty(
  field: DeviceSpecField,
  options: DeviceSpecPropertyOptions = {},
): PropertyDecorator {
  return composed([
    DeviceSpecApiProperty(field, options),
    ...(options.optional ? [OptionalField()] : []),
    IsDeviceSpecValue(field),
  ]);
}

/** The three spec fields, required and validated; request DTOs of one device extend it. */
export class DeviceSpecFields implements DeviceSpec {
  @DeviceSpecProperty('cpuCores')
  cpuCores!: number;

  @DeviceSpecProperty('memoryMb')
  memoryMb!: number;

  @DeviceSpecProperty('storageGb')
  storageGb!: number;
}
