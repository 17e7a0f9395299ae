import type { OpsClient } from './ops-client';
import { type OpsCliSettings, OpsCliUsageError } from './ops-cli.settings';
import type { Output } from './table-output';

/** What every command gets: the services' client, the settings and where to print. */
export interface CommandContext {
  client: OpsClient;
  settings: OpsCliSettings;
  output: Output;
  /** `--service`, `--limit`, `--state`, `--ids` as given. */
  options: { service?: string; limit?: string; state?: string; ids?: string };
  /** Positional words after the command, e.g. the job of `cron pause <job>`. */
  operands: string[];
}

/** A command answers its exit code: 0 done, 1 something failed (said on the output). */
export type Command = (context: CommandContext) => Promise<number>;

/** `--limit` as an integer within bounds, or `fallback` when absent. */
export function limitOption(context: CommandContext, fallback: number, max: number): number {
  const raw = context.options.limit;
  if (raw === undefined) return fallback;
  const value = /^\d{1,6}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= 1 && value <= max))
    throw new OpsCliUsageError(`--limit must be an integer from 1 to ${max}`);
  return value;
}
