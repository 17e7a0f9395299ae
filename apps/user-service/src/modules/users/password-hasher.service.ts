import { randomBytes, scrypt, type ScryptOptions, timingSafeEqual } from 'node:crypto';
import { Logger, type OnModuleInit } from '@nestjs/common';

/** scrypt cost parameters; stored with every hash so they can be raised without breaking old ones. */
export interface ScryptParameters {
  /** log2 of the CPU/memory cost N. */
  logN: number;
  blockSize: number;
  parallelization: number;
}

// OWASP's scrypt alternative to N=2^17,p=1 with the same strength but a quarter of the memory
// (32 MiB per hash): libuv runs up to four hashes at once, and a replica has 256 MiB.
const CURRENT_PARAMETERS: ScryptParameters = { logN: 15, blockSize: 8, parallelization: 3 };
const SALT_BYTES = 16;
const KEY_BYTES = 32;
const FORMAT = /^scrypt\$(\d{1,2})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;
// Stored parameters outside these bounds are refused rather than run (a corrupted hash must not
// make one login eat gigabytes).
const MAX_LOG_N = 20;
const MAX_BLOCK_SIZE = 16;
const MAX_PARALLELIZATION = 16;

/**
 * Salted scrypt password hashes in the self-describing form `scrypt$logN$r$p$salt$key` (base64),
 * verified with a timing-safe comparison. Hashing runs on libuv's thread pool, off the event loop.
 * Provided through a factory (UsersModule); tests pass cheaper parameters.
 */
export class PasswordHasher implements OnModuleInit {
  private readonly logger = new Logger(PasswordHasher.name);
  private dummyHash: Promise<string> | null = null;

  constructor(private readonly parameters: ScryptParameters = CURRENT_PARAMETERS) {}

  onModuleInit(): void {
    // Ready before the first login, so an unknown email's first attempt is not slower than others.
    this.dummyHash = this.hash(randomBytes(16).toString('hex'));
  }

  /** A new salted hash of `password` with the current parameters. */
  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    const key = await derive(password, salt, KEY_BYTES, this.parameters);
    const { logN, blockSize, parallelization } = this.parameters;
    return `scrypt$${logN}$${blockSize}$${parallelization}$${salt.toString('base64')}$${key.toString('base64')}`;
  }

  /** True when `password` matches `stored`; false for a mismatch or a malformed hash. */
  async verify(password: string, stored: string): Promise<boolean> {
    const parsed = parse(stored);
    if (!parsed) {
      this.logger.error({ msg: 'stored password hash is malformed; refusing the login' });
      return false;
    }
    const key = await derive(password, parsed.salt, parsed.key.length, parsed.parameters);
    return timingSafeEqual(key, parsed.key);
  }

  /**
   * Spends the same time as verifying a real user's password, for logins with an unknown email,
   * so response times do not reveal which emails exist. Always false.
   */
  async verifyAgainstDummy(password: string): Promise<false> {
    this.dummyHash ??= this.hash(randomBytes(16).toString('hex'));
    await this.verify(password, await this.dummyHash);
    return false;
  }
}

function parse(stored: string): { parameters: ScryptParameters; salt: Buffer; key: Buffer } | null {
  const match = FORMAT.exec(stored);
  if (!match) return null;
  const parameters = {
    logN: Number(match[1]),
    blockSize: Number(match[2]),
    parallelization: Number(match[3]),
  };
  if (
    parameters.logN < 1 ||
    parameters.logN > MAX_LOG_N ||
    parameters.blockSize < 1 ||
    parameters.blockSize > MAX_BLOCK_SIZE ||
    parameters.parallelization < 1 ||
    parameters.parallelization > MAX_PARALLELIZATION
  ) {
    return null;
  }
  const salt = Buffer.from(match[4], 'base64');
  const key = Buffer.from(match[5], 'base64');
  if (salt.length === 0 || key.length < 16) return null;
  return { parameters, salt, key };
}

function derive(
  password: string,
  salt: Buffer,
  keyLength: number,
  parameters: ScryptParameters,
): Promise<Buffer> {
  const N = 2 ** parameters.logN;
  const options: ScryptOptions = {
    N,
    r: parameters.blockSize,
    p: parameters.parallelization,
    // scrypt needs 128·N·r bytes; Node's default cap (32 MiB) is exactly at that edge for N=2^15.
    maxmem: 256 * N * parameters.blockSize,
  };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, keyLength, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}
