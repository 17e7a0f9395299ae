export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}

/** A promise and the function that settles it, for tests that release work at a chosen moment. */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}
