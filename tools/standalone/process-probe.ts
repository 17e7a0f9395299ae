import { execFileSync } from 'node:child_process';

/** Whether a process with this pid exists (signal 0 only checks). */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user (e.g. the postgres user's server).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The command line of a live process, or null when there is none with this pid. */
export function processCommandLine(pid: number): string | null {
  if (!processIsAlive(pid)) return null;
  try {
    return execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}
