import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repositoryRoot } from '@cloudphone/shared/testing';

const CONFIG = join(repositoryRoot(), 'deploy', 'pm2', 'logrotate.conf');
const INSTALLED_DIRECTORY = '/var/log/cloudphone';
const run = promisify(execFile);

/** The shipped rules, pointed at `directory` as an operator points them at CLUSTER_LOG_DIR. */
function configFor(directory: string): string {
  const text = readFileSync(CONFIG, 'utf8');
  expect(text).toContain(`${INSTALLED_DIRECTORY}/*.log {`);
  return text.replace(`${INSTALLED_DIRECTORY}/`, `${directory}/`);
}

describe('deploy/pm2/logrotate.conf', () => {
  let workspace: string;

  beforeEach(() => {
    workspace = mkdtempSync(join(tmpdir(), 'cloudphone-logrotate-'));
  });

  afterEach(() => {
    rmSync(workspace, { recursive: true, force: true });
  });

  it('rotates the PM2 logs in place (copytruncate): the open file is emptied, its lines kept aside', async () => {
    const logs = join(workspace, 'logs');
    // logrotate skips a directory writable by group or others: like a real log directory, it is not.
    mkdirSync(logs, { mode: 0o755 });
    const config = join(workspace, 'logrotate.conf');
    writeFileSync(config, configFor(logs), { mode: 0o644 });
    const live = join(logs, 'device-service.out.log');
    writeFileSync(live, '{"msg":"service listening"}\n');
    writeFileSync(join(logs, 'device-service.error.log'), '');

    // Forced, with its own state file, as the daily timer would once the day is over.
    await run('logrotate', ['--force', '--state', join(workspace, 'state'), config], { timeout: 30_000 });

    const files = readdirSync(logs).sort();
    const rotated = files.filter((name) => name.startsWith('device-service.out.log-'));
    expect(rotated).toHaveLength(1);
    // delaycompress: the newest rotation stays plain text.
    expect(readFileSync(join(logs, rotated[0]), 'utf8')).toBe('{"msg":"service listening"}\n');
    expect(statSync(live).size).toBe(0);
    // notifempty: an empty log is left alone.
    expect(files.filter((name) => name.startsWith('device-service.error.log'))).toEqual([
      'device-service.error.log',
    ]);
  });
});
