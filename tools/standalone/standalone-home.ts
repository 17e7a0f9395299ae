import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { processCommandLine } from './process-probe';

/** Generated on the first run and kept, so tokens, logins and the database survive restarts. */
export interface StandaloneSecrets {
  jwtSecret: string;
  serviceTokenSecret: string;
  /** VENDOR_CREDENTIALS_KEY; homes made before it existed get one on their next start. */
  credentialsKey: string;
  postgresPassword: string;
  adminEmail: string;
  adminPassword: string;
  demoEmail: string;
  demoPassword: string;
}

const SECRET_KEYS: Array<keyof StandaloneSecrets> = [
  'jwtSecret',
  'serviceTokenSecret',
  'credentialsKey',
  'postgresPassword',
  'adminEmail',
  'adminPassword',
  'demoEmail',
  'demoPassword',
];

/**
 * The standalone mode's directory (`.cloudphone/`, or CLOUDPHONE_HOME): the Postgres data
 * directory, its log, the generated secrets and the credentials file. Readable by its owner only,
 * except that the Postgres user may pass through it to its data directory.
 */
export class StandaloneHome {
  readonly directory: string;

  constructor(directory: string) {
    this.directory = resolve(directory);
  }

  get postgresDirectory(): string {
    return join(this.directory, 'postgres');
  }

  get postgresLogFile(): string {
    return join(this.directory, 'postgres.log');
  }

  /** Emails the simulated transport "sends" (EMAIL_SIMULATED_DIR), one .eml file each. */
  get mailDirectory(): string {
    return join(this.directory, 'mail');
  }

  get credentialsFile(): string {
    return join(this.directory, 'credentials');
  }

  private get secretsFile(): string {
    return join(this.directory, 'secrets.json');
  }

  private get announcedFile(): string {
    return join(this.directory, 'admin-announced');
  }

  /** True until the first run got as far as printing the admin's password (see `announced`). */
  adminUnannounced(): boolean {
    return !existsSync(this.announcedFile);
  }

  /** The admin's password was printed; later runs only point to the credentials file. */
  announced(): void {
    writeFileSync(this.announcedFile, `${new Date().toISOString()}\n`, { mode: 0o600 });
  }

  private get hostLockFile(): string {
    return join(this.directory, 'host.pid');
  }

  prepare(): void {
    mkdirSync(this.directory, { recursive: true });
    chmodSync(this.directory, 0o711);
  }

  /**
   * Takes the directory for this process. A live standalone host already holding it is refused
   * (two servers on one data directory); the lock of a host that died is taken over.
   */
  claim(): void {
    if (existsSync(this.hostLockFile)) {
      const pid = Number(readFileSync(this.hostLockFile, 'utf8').trim());
      const commandLine = Number.isInteger(pid) && pid > 0 ? processCommandLine(pid) : null;
      if (pid !== process.pid && commandLine !== null && /node/.test(commandLine)) {
        throw new Error(
          `another standalone Cloudphone (pid ${pid}) is running on ${this.directory}; ` +
            `stop it first, or set CLOUDPHONE_HOME to another directory`,
        );
      }
    }
    writeFileSync(this.hostLockFile, `${process.pid}\n`, { mode: 0o600 });
  }

  release(): void {
    rmSync(this.hostLockFile, { force: true });
  }

  /** The secrets, generated and written (mode 0600) when missing. */
  secrets(): StandaloneSecrets {
    if (existsSync(this.secretsFile)) {
      let stored: Partial<StandaloneSecrets>;
      try {
        stored = JSON.parse(readFileSync(this.secretsFile, 'utf8')) as Partial<StandaloneSecrets>;
      } catch (error) {
        throw new Error(
          `${this.secretsFile} cannot be read (${(error as Error).message}); restore it or delete ${this.directory}`,
        );
      }
      if (typeof stored.credentialsKey !== 'string' || stored.credentialsKey === '') {
        stored.credentialsKey = randomBytes(32).toString('hex');
        writePrivate(this.secretsFile, `${JSON.stringify(stored, null, 2)}\n`);
      }
      const missing = SECRET_KEYS.filter((key) => typeof stored[key] !== 'string' || stored[key] === '');
      if (missing.length > 0) {
        throw new Error(
          `${this.secretsFile} lacks ${missing.join(', ')}; restore it or delete ${this.directory}`,
        );
      }
      return stored as StandaloneSecrets;
    }
    const secrets: StandaloneSecrets = {
      jwtSecret: randomBytes(32).toString('hex'),
      serviceTokenSecret: randomBytes(32).toString('hex'),
      credentialsKey: randomBytes(32).toString('hex'),
      postgresPassword: randomBytes(18).toString('base64url'),
      adminEmail: 'admin@cloudphone.local',
      adminPassword: randomBytes(18).toString('base64url'),
      demoEmail: 'demo@cloudphone.local',
      demoPassword: randomBytes(18).toString('base64url'),
    };
    writePrivate(
      this.credentialsFile,
      [
        '# Cloudphone standalone logins, generated on the first run. Keep this file private.',
        `ADMIN_EMAIL=${secrets.adminEmail}`,
        `ADMIN_PASSWORD=${secrets.adminPassword}`,
        `DEMO_EMAIL=${secrets.demoEmail}`,
        `DEMO_PASSWORD=${secrets.demoPassword}`,
        '',
      ].join('\n'),
    );
    // Last: the secrets file is what marks the first run as done.
    writePrivate(this.secretsFile, `${JSON.stringify(secrets, null, 2)}\n`);
    return secrets;
  }
}

/** Written whole or not at all (a crash mid-write must not leave half a secrets file). */
function writePrivate(file: string, content: string): void {
  const scratch = `${file}.tmp`;
  writeFileSync(scratch, content, { mode: 0o600 });
  renameSync(scratch, file);
}
