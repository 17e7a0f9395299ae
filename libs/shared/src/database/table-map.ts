/** A column whose driver value needs converting (e.g. bigint text → BigInt). */
export interface DecodedColumn<V> {
  column: string;
  decode(value: unknown): V;
}

/** Record property → SQL column (or column plus decoder), for every property of the record. */
export type ColumnMap<R> = { readonly [K in keyof R]-?: string | DecodedColumn<R[K]> };

/** Decoders for the column types the driver hands over as text. */
export const decodeColumn = {
  bigint: (value: unknown): bigint => BigInt(value as string),
  nullableBigint: (value: unknown): bigint | null => (value === null ? null : BigInt(value as string)),
  /** bigint counters known to stay below 2^53. */
  safeInteger: (value: unknown): number => Number(value),
} as const;

/**
 * The one mapping between a table's rows and a domain record. Repositories select with
 * `select()` (each column aliased to its property, so rows arrive in the record's shape), turn rows
 * into records with `decode()`, and hand the map to `findPage`, which resolves list filters and
 * sorts through `column()`. A table without a map has no SQL outside its repository.
 */
export class TableMap<R extends object> {
  private readonly properties: Array<{
    property: string;
    column: string;
    decode?: (value: unknown) => unknown;
  }>;
  private readonly decoders: Array<{ property: string; decode: (value: unknown) => unknown }>;
  private readonly selectLists = new Map<string, string>();

  constructor(
    readonly table: string,
    columns: ColumnMap<R>,
  ) {
    this.properties = Object.entries(columns as Record<string, string | DecodedColumn<unknown>>).map(
      ([property, spec]) =>
        typeof spec === 'string'
          ? { property, column: spec }
          : { property, column: spec.column, decode: spec.decode },
    );
    this.decoders = this.properties.flatMap(({ property, decode }) => (decode ? [{ property, decode }] : []));
  }

  /** `alias.column AS "property", …` for every mapped property. */
  select(alias?: string): string {
    const key = alias ?? '';
    let list = this.selectLists.get(key);
    if (list === undefined) {
      const prefix = alias ? `${alias}.` : '';
      list = this.properties.map(({ property, column }) => `${prefix}${column} AS "${property}"`).join(', ');
      this.selectLists.set(key, list);
    }
    return list;
  }

  /** The SQL column of a property; throws for a property the map does not have (a coding error). */
  column(property: string): string {
    const found = this.properties.find((entry) => entry.property === property);
    if (!found) throw new Error(`${this.table} has no mapped property "${property}"`);
    return found.column;
  }

  /** The record of a row selected with `select()` (decoded in place). */
  decode(row: Record<string, unknown>): R {
    for (const { property, decode } of this.decoders) row[property] = decode(row[property]);
    return row as R;
  }

  decodeAll(rows: Array<Record<string, unknown>>): R[] {
    return this.decoders.length === 0 ? (rows as R[]) : rows.map((row) => this.decode(row));
  }
}
