import { ValidateIf } from 'class-validator';

/**
 * Like @IsOptional(), but only an absent field skips validation: an explicit `null` is still
 * validated (and refused), so `{"roles": null}` is a 400 rather than a NOT NULL violation.
 */
export const OptionalField = () => ValidateIf((_object: object, value: unknown) => value !== undefined);
