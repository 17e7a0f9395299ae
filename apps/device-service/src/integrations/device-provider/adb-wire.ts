// The ADB transport's message framing (AOSP system/core/adb/protocol.txt): a 24-byte little-endian
// header (command, arg0, arg1, data length, data checksum, command ^ 0xffffffff) and the data. Only
// what a connection handshake needs: the simulated provider answers CNXN with its own, and tests
// speak it as `adb connect` does.

export const ADB_HEADER_BYTES = 24;
export const ADB_VERSION = 0x01000001;
export const ADB_MAX_DATA = 256 * 1024;

export const ADB_COMMANDS = {
  CNXN: 0x4e584e43,
  OPEN: 0x4e45504f,
  OKAY: 0x59414b4f,
  CLSE: 0x45534c43,
  WRTE: 0x45545257,
  AUTH: 0x48545541,
} as const;

export interface AdbMessage {
  command: number;
  arg0: number;
  arg1: number;
  data: Buffer;
}

/** The sum of the data's bytes, as ADB versions before 0x01000001 check (later ones send it anyway). */
function checksum(data: Buffer): number {
  let sum = 0;
  for (const byte of data) sum = (sum + byte) >>> 0;
  return sum;
}

export function encodeAdbMessage(message: AdbMessage): Buffer {
  const header = Buffer.alloc(ADB_HEADER_BYTES);
  header.writeUInt32LE(message.command >>> 0, 0);
  header.writeUInt32LE(message.arg0 >>> 0, 4);
  header.writeUInt32LE(message.arg1 >>> 0, 8);
  header.writeUInt32LE(message.data.length, 12);
  header.writeUInt32LE(checksum(message.data), 16);
  header.writeUInt32LE((message.command ^ 0xffffffff) >>> 0, 20);
  return Buffer.concat([header, message.data]);
}

export type AdbDecodeResult =
  | { kind: 'message'; message: AdbMessage; rest: Buffer }
  | { kind: 'incomplete' }
  | { kind: 'invalid'; reason: string };

/** Reads one message off the front of `buffer`: incomplete until all its bytes are there. */
export function decodeAdbMessage(buffer: Buffer): AdbDecodeResult {
  if (buffer.length < ADB_HEADER_BYTES) return { kind: 'incomplete' };
  const command = buffer.readUInt32LE(0);
  if (buffer.readUInt32LE(20) !== (command ^ 0xffffffff) >>> 0) {
    return { kind: 'invalid', reason: 'bad magic' };
  }
  const length = buffer.readUInt32LE(12);
  if (length > ADB_MAX_DATA) return { kind: 'invalid', reason: 'message too large' };
  if (buffer.length < ADB_HEADER_BYTES + length) return { kind: 'incomplete' };
  const data = buffer.subarray(ADB_HEADER_BYTES, ADB_HEADER_BYTES + length);
  if (buffer.readUInt32LE(16) !== checksum(data)) return { kind: 'invalid', reason: 'bad checksum' };
  return {
    kind: 'message',
    message: { command, arg0: buffer.readUInt32LE(4), arg1: buffer.readUInt32LE(8), data: Buffer.from(data) },
    rest: buffer.subarray(ADB_HEADER_BYTES + length),
  };
}

/** The CNXN a host sends first (`host::` banner), as `adb connect` does. */
export function hostConnectMessage(): Buffer {
  return encodeAdbMessage({
    command: ADB_COMMANDS.CNXN,
    arg0: ADB_VERSION,
    arg1: ADB_MAX_DATA,
    data: Buffer.from('host::features=shell_v2,cmd\0'),
  });
}

/** A device's CNXN answer, carrying its banner (`device::ro.product.name=…;…`). */
export function deviceConnectMessage(banner: string): Buffer {
  return encodeAdbMessage({
    command: ADB_COMMANDS.CNXN,
    arg0: ADB_VERSION,
    arg1: ADB_MAX_DATA,
    data: Buffer.from(`device::${banner}\0`),
  });
}
