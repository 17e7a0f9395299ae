import { envVariableSpecs, registerEnvVariableSpec } from './env-variable.decorators';

type ConfigClass = abstract new () => object;
type Intersection<U> = (U extends unknown ? (value: U) => void : never) extends (value: infer I) => void
  ? I
  : never;

/**
 * One config class from a base and the slices of the capabilities an app uses: the result declares
 * the variables of all of them (so `loadConfig` validates every one at start) and can be provided
 * to Nest under each slice's class, so a capability injects only its own slice.
 *
 * Slices hold only `@Env…` fields and methods (no field initialisers, which would not be copied).
 */
export function composeConfig<B extends ConfigClass, S extends ConfigClass[]>(
  base: B,
  ...slices: S
): abstract new () => InstanceType<B> & Intersection<InstanceType<S[number]>> {
  abstract class Composed extends (base as unknown as abstract new () => object) {}
  for (const slice of slices) {
    for (const spec of envVariableSpecs(slice)) registerEnvVariableSpec(Composed.prototype, spec);
    for (const name of Object.getOwnPropertyNames(slice.prototype)) {
      if (name === 'constructor') continue;
      const descriptor = Object.getOwnPropertyDescriptor(slice.prototype, name) as PropertyDescriptor;
      Object.defineProperty(Composed.prototype, name, descriptor);
    }
  }
  return Composed as unknown as abstract new () => InstanceType<B> & Intersection<InstanceType<S[number]>>;
}
