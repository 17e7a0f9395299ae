import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * The remote TCP ports of a process's open sockets (Linux /proc): which servers it talks to.
 * Listening sockets show remote port 0.
 */
export function remotePortsOf(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const socket = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (socket) inodes.add(socket[1]);
    } catch {
      // The descriptor closed while we looked.
    }
  }
  const ports: number[] = [];
  for (const table of [`/proc/${pid}/net/tcp`, `/proc/${pid}/net/tcp6`]) {
    const rows = readFileSync(table, 'utf8').split('\n').slice(1);
    for (const row of rows) {
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
      const fields = row.trim().split(/\s+/);
      if (fields.length > 9 && inodes.has(fields[9])) ports.push(parseInt(fields[2].split(':')[1], 16));
    }
  }
  return ports;
}
