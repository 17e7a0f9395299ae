import {
  ADB_COMMANDS,
  ADB_VERSION,
  decodeAdbMessage,
  deviceConnectMessage,
  encodeAdbMessage,
  hostConnectMessage,
} from './adb-wire';

describe('ADB wire format', () => {
  it('frames a host CNXN as adb does: header fields, checksum and magic', () => {
    const bytes = hostConnectMessage();
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('CNXN');
    expect(bytes.readUInt32LE(4)).toBe(ADB_VERSION);
    expect(bytes.readUInt32LE(20)).toBe((ADB_COMMANDS.CNXN ^ 0xffffffff) >>> 0);
    expect(bytes.subarray(24).toString()).toBe('host::features=shell_v2,cmd\0');
  });

  it('decodes what it encodes, leaving the bytes that follow', () => {
    const first = deviceConnectMessage('ro.product.model=sim');
    const second = encodeAdbMessage({ command: ADB_COMMANDS.OKAY, arg0: 1, arg1: 2, data: Buffer.alloc(0) });
    const decoded = decodeAdbMessage(Buffer.concat([first, second]));
    if (decoded.kind !== 'message') throw new Error(`decoded ${decoded.kind}`);
    expect(decoded.message.command).toBe(ADB_COMMANDS.CNXN);
    expect(decoded.message.data.toString()).toBe('device::ro.product.model=sim\0');
    expect(decodeAdbMessage(decoded.rest)).toMatchObject({ kind: 'message', message: { arg0: 1, arg1: 2 } });
  });

  it('waits for the rest of a split message and refuses garbage', () => {
    const bytes = hostConnectMessage();
    expect(decodeAdbMessage(bytes.subarray(0, 10))).toEqual({ kind: 'incomplete' });
    expect(decodeAdbMessage(bytes.subarray(0, 30))).toEqual({ kind: 'incomplete' });
    expect(decodeAdbMessage(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'))).toMatchObject({
      kind: 'invalid',
    });
    const corrupted = Buffer.from(bytes);
    corrupted[30] ^= 0xff;
    expect(decodeAdbMessage(corrupted)).toEqual({ kind: 'invalid', reason: 'bad checksum' });
    const huge = Buffer.from(bytes);
    huge.writeUInt32LE(0x7fffffff, 12);
    expect(decodeAdbMessage(huge)).toEqual({ kind: 'invalid', reason: 'message too large' });
  });
});
