import type { MessageProperties, Options } from 'amqplib';

/** Publish options that keep a delivered message's identity when it is copied to another queue. */
export function copyOptions(
  properties: MessageProperties,
  headers: Record<string, unknown>,
): Options.Publish {
  return {
    persistent: true,
    contentType: properties.contentType as string | undefined,
    messageId: properties.messageId as string | undefined,
    type: properties.type as string | undefined,
    timestamp: properties.timestamp as number | undefined,
    headers,
  };
}
