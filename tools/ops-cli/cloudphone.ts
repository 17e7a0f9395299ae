#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { type Command } from './command-context';
import { cronAction, cronList } from './cron.commands';
import { deadLettersList, deadLettersReplay } from './dead-letter.commands';
import { doctor } from './doctor.command';
import { migrateStatus } from './migrate-status.command';
import { OpsCallError, OpsClient } from './ops-client';
import { opsCliSettings, OpsCliUsageError } from './ops-cli.settings';
import { outboxStuck, usageReportsList, usageReportsReplay } from './outbox.commands';

const COMMANDS: Record<string, Command> = {
  'cron ls': cronList,
  'cron pause': cronAction('pause'),
  'cron resume': cronAction('resume'),
  'cron trigger': cronAction('trigger'),
  'outbox stuck': outboxStuck,
  'dlq ls': deadLettersList,
  'dlq replay': deadLettersReplay,
  'usage-reports ls': usageReportsList,
  'usage-reports replay': usageReportsReplay,
  'migrate status': migrateStatus,
  doctor,
};

const USAGE = `usage: cloudphone <command> [--service <name>] [--json] [options]
  cron ls | cron pause <job> | cron resume <job> | cron trigger <job>
  outbox stuck [--state failing|rejected|pending] [--limit n]
  dlq ls [--limit n] | dlq replay --service <name> [--ids id,id] [--limit n]
  usage-reports ls [--state ...] | usage-reports replay [--ids id,id]
  migrate status
  doctor
Reads <SERVICE>_URL, CLOUDPHONE_TOKEN or JWT_SECRET, POSTGRES_URL / <SERVICE>_DATABASE_URL,
REDIS_URL and RABBITMQ_URL from the environment (README, "Operations").`;

/** The ops CLI (`npx cloudphone`): parses the command line, runs one command, exits with its code. */
async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      service: { type: 'string' },
      limit: { type: 'string' },
      state: { type: 'string' },
      ids: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const name = COMMANDS[positionals.slice(0, 2).join(' ')]
    ? positionals.slice(0, 2).join(' ')
    : positionals[0];
  const command = name === undefined ? undefined : COMMANDS[name];
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const settings = opsCliSettings(process.env);
  const output = { json: values.json, write: (line: string) => process.stdout.write(`${line}\n`) };
  const { json: _json, help: _help, ...options } = values;
  return command({
    client: new OpsClient(settings),
    settings,
    output,
    options,
    operands: positionals.slice(name.split(' ').length),
  });
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    const usage =
      error instanceof OpsCliUsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`cloudphone: ${(error as Error).message}\n`);
    process.exitCode = error instanceof OpsCallError ? 1 : usage ? 2 : 1;
  },
);
