/** Where a command's result goes: aligned columns for a person, or JSON for a script (`--json`). */
export interface Output {
  json: boolean;
  write(line: string): void;
}

/** One row per record, one column per key of `columns`; long cells are cut so rows stay one line. */
export function printTable<T extends object>(
  output: Output,
  rows: T[],
  columns: Array<keyof T & string>,
): void {
  if (rows.length === 0) {
    output.write('(none)');
    return;
  }
  const cells = rows.map((row) => columns.map((column) => cell((row as Record<string, unknown>)[column])));
  const widths = columns.map((column: string, index) =>
    Math.max(column.length, ...cells.map((line) => line[index].length)),
  );
  const line = (values: string[]) =>
    values
      .map((value, index) => value.padEnd(widths[index]))
      .join('  ')
      .trimEnd();
  output.write(line(columns.map((column) => column.toUpperCase())));
  for (const values of cells) output.write(line(values));
}

/** Prints `value` as JSON under --json, else runs `human`. */
export function emit(output: Output, value: unknown, human: () => void): void {
  if (output.json) output.write(JSON.stringify(value, null, 2));
  else human();
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '-';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 90 ? `${flat.slice(0, 87)}...` : flat;
}
