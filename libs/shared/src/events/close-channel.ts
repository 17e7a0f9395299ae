import type { Channel } from 'amqplib';

/**
 * Closes an AMQP channel without waiting more than `timeoutMs`: amqplib's close() never settles
 * when the connection dies while the close handshake is in flight, which would hang shutdown.
 */
export async function closeChannel(channel: Channel, timeoutMs = 2000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    channel.close().catch(() => undefined),
    new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
  ]);
  clearTimeout(timer);
}
