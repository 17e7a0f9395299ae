import 'reflect-metadata';

/** How one environment variable is parsed into a config property. */
export interface EnvVariableSpec {
  property: string;
  variable: string;
  expected: string;
  required: boolean;
  /** Not required after all when this other variable has this value (e.g. a driver that needs no URL). */
  requiredUnless?: { variable: string; value: string };
  defaultValue?: unknown;
  /** `problem` says what is wrong when the format allows a more precise answer than `expected`. */
  parse(raw: string): { ok: true; value: unknown } | { ok: false; problem?: string };
}

const ENV_SPECS = Symbol('cloudphone:env-specs');

interface CommonOptions<T> {
  /** Used when the variable is unset or empty; a variable without a default is required. */
  default?: T;
  /** Optional variables without a default stay undefined. */
  optional?: boolean;
  /** Required unless `variable` is set to `value`; then it may stay undefined. */
  requiredUnless?: { variable: string; value: string };
}

function register(spec: Omit<EnvVariableSpec, 'property' | 'required'>, options: CommonOptions<unknown>) {
  return (target: object, property: string | symbol): void =>
    registerEnvVariableSpec(target, {
      ...spec,
      property: String(property),
      required: options.default === undefined && !options.optional,
      requiredUnless: options.requiredUnless,
      defaultValue: options.default,
    });
}

/** Adds (or replaces, by property) a variable on a config class prototype. */
export function registerEnvVariableSpec(prototype: object, entry: EnvVariableSpec): void {
  const own: EnvVariableSpec[] = Reflect.getOwnMetadata(ENV_SPECS, prototype) ?? [
    ...((Reflect.getMetadata(ENV_SPECS, prototype) as EnvVariableSpec[] | undefined) ?? []),
  ];
  const withoutOverridden = own.filter((existing) => existing.property !== entry.property);
  Reflect.defineMetadata(ENV_SPECS, [...withoutOverridden, entry], prototype);
}

/** The variables a config class declares, including those inherited from its base classes. */
export function envVariableSpecs(configClass: abstract new () => object): EnvVariableSpec[] {
  return (Reflect.getMetadata(ENV_SPECS, configClass.prototype) as EnvVariableSpec[] | undefined) ?? [];
}

/** A string variable, optionally constrained by length or pattern. */
export function EnvString(
  variable: string,
  options: CommonOptions<string> & { minLength?: number; pattern?: RegExp; description?: string } = {},
) {
  const expected =
    options.description ??
    (options.minLength ? `a string of at least ${options.minLength} characters` : 'a non-empty string');
  return register(
    {
      variable,
      expected,
      parse: (raw) =>
        (options.minLength !== undefined && raw.length < options.minLength) ||
        (options.pattern !== undefined && !options.pattern.test(raw))
          ? { ok: false }
          : { ok: true, value: raw },
    },
    options,
  );
}

/** An integer variable within bounds. */
export function EnvInteger(
  variable: string,
  options: CommonOptions<number> & { min?: number; max?: number } = {},
) {
  const min = options.min ?? Number.MIN_SAFE_INTEGER;
  const max = options.max ?? Number.MAX_SAFE_INTEGER;
  const bounds =
    options.min !== undefined && options.max !== undefined
      ? ` between ${min} and ${max}`
      : options.min !== undefined
        ? ` of at least ${min}`
        : '';
  return register(
    {
      variable,
      expected: `an integer${bounds}`,
      parse: (raw) => {
        if (!/^-?\d+$/.test(raw)) return { ok: false };
        const value = Number(raw);
        return value < min || value > max ? { ok: false } : { ok: true, value };
      },
    },
    options,
  );
}

/** A URL variable whose scheme is one of `protocols` (without the colon). */
export function EnvUrl(variable: string, options: CommonOptions<string> & { protocols: string[] }) {
  return register(
    {
      variable,
      expected: `a URL starting with ${options.protocols.map((protocol) => `${protocol}://`).join(' or ')}`,
      parse: (raw) => {
        try {
          const url = new URL(raw);
          return options.protocols.includes(url.protocol.replace(/:$/, ''))
            ? { ok: true, value: raw }
            : { ok: false };
        } catch {
          return { ok: false };
        }
      },
    },
    options,
  );
}

/** One of a fixed set of values. */
export function EnvEnum<T extends string>(
  variable: string,
  values: readonly T[],
  options: CommonOptions<T> = {},
) {
  return register(
    {
      variable,
      expected: `one of ${values.join(', ')}`,
      parse: (raw) => (values.includes(raw as T) ? { ok: true, value: raw } : { ok: false }),
    },
    options,
  );
}

/** A boolean written as true/false, on/off, 1/0 or yes/no. */
export function EnvBoolean(variable: string, options: CommonOptions<boolean> = {}) {
  const truthy = ['true', 'on', '1', 'yes'];
  const falsy = ['false', 'off', '0', 'no'];
  return register(
    {
      variable,
      expected: 'true or false',
      parse: (raw) => {
        const lower = raw.toLowerCase();
        if (truthy.includes(lower)) return { ok: true, value: true };
        if (falsy.includes(lower)) return { ok: true, value: false };
        return { ok: false };
      },
    },
    options,
  );
}

/**
 * A variable in a format of its own: `parse` returns the typed value or throws an Error whose
 * message says what is wrong (reported after the variable's name, with `description`).
 */
export function EnvParsed<T>(
  variable: string,
  options: CommonOptions<T> & { description: string; parse(raw: string): T },
) {
  return register(
    {
      variable,
      expected: options.description,
      parse: (raw) => {
        try {
          return { ok: true, value: options.parse(raw) };
        } catch (error) {
          return { ok: false, problem: (error as Error).message };
        }
      },
    },
    options,
  );
}
