/** A parameter of a Stripe API request: a scalar, or a hash Stripe writes with brackets. */
export type StripeParam =
  string | number | boolean | bigint | { readonly [key: string]: StripeParam | undefined };

const KEY = /^[A-Za-z0-9_]{1,64}$/;

/**
 * Stripe's form encoding of `params`, as ordered pairs: nested hashes become `parent[child]` keys
 * (`metadata[payment_id]`, `automatic_payment_methods[enabled]`), booleans `true`/`false`, undefined
 * values are left out. Keys are ours, never user input, so a key Stripe could misread is a bug.
 */
export function stripeForm(params: {
  readonly [key: string]: StripeParam | undefined;
}): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  const walk = (prefix: string | null, value: { readonly [key: string]: StripeParam | undefined }) => {
    for (const [key, item] of Object.entries(value)) {
      if (!KEY.test(key)) throw new RangeError(`Stripe parameter name "${key}" is not a plain word`);
      if (item === undefined) continue;
      const name = prefix === null ? key : `${prefix}[${key}]`;
      if (typeof item === 'object') walk(name, item);
      else pairs.push([name, String(item)]);
    }
  };
  walk(null, params);
  return pairs;
}
