import { Injectable } from '@nestjs/common';
import type { DeliveryChannelName, NotificationChannel } from './delivery-channel';

/**
 * The channels this process can send by. Channel modules register theirs on init, so the
 * deliveries module does not depend on them (they depend on it).
 */
@Injectable()
export class DeliveryChannels {
  private readonly channels = new Map<DeliveryChannelName, NotificationChannel>();

  register(channel: NotificationChannel): void {
    if (this.channels.has(channel.name)) throw new Error(`Channel "${channel.name}" is registered twice`);
    this.channels.set(channel.name, channel);
  }

  get(name: DeliveryChannelName): NotificationChannel | undefined {
    return this.channels.get(name);
  }

  all(): NotificationChannel[] {
    return [...this.channels.values()];
  }
}
