import { connect } from 'node:net';
import {
  ADB_COMMANDS,
  decodeAdbMessage,
  hostConnectMessage,
} from '../src/integrations/device-provider/adb-wire';

/** What `adb connect` would see: the device's banner, or how the connection was turned away. */
export type HandshakeOutcome = { kind: 'connected'; banner: string } | { kind: 'refused'; reason: string };

/** Connects to `endpoint` (`host:port`), sends a host CNXN and waits for the device's CNXN. */
export function adbHandshake(endpoint: string, timeoutMs = 3000): Promise<HandshakeOutcome> {
  const separator = endpoint.lastIndexOf(':');
  const host = endpoint.slice(0, separator);
  const port = Number(endpoint.slice(separator + 1));
  return new Promise((resolve) => {
    const socket = connect(port, host);
    let buffered: Buffer = Buffer.alloc(0);
    const finish = (outcome: HandshakeOutcome) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ kind: 'refused', reason: 'no answer' }), timeoutMs);
    socket.on('connect', () => socket.write(hostConnectMessage()));
    socket.on('error', (error: NodeJS.ErrnoException) =>
      finish({ kind: 'refused', reason: error.code ?? 'error' }),
    );
    socket.on('close', () => finish({ kind: 'refused', reason: 'closed' }));
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const decoded = decodeAdbMessage(buffered);
      if (decoded.kind === 'message' && decoded.message.command === ADB_COMMANDS.CNXN) {
        finish({ kind: 'connected', banner: decoded.message.data.toString().replace(/\0$/, '') });
      } else if (decoded.kind === 'invalid') {
        finish({ kind: 'refused', reason: decoded.reason });
      }
    });
  });
}
