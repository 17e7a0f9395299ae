/** Several property decorators as one, applied as if written top to bottom above the property. */
export function composed(decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, propertyKey) => {
    for (const decorator of [...decorators].reverse()) decorator(target, propertyKey);
  };
}
