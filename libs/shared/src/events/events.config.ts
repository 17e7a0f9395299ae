import { EnvInteger, EnvString } from '../config/env-variable.decorators';

/** Settings of the events outbox relay, the consumers and their retention (config slice of src/events). */
export class EventsConfig {
  @EnvString('EVENTS_EXCHANGE', { default: 'cloudphone.events', pattern: /^[\w.:-]{1,128}$/ })
  eventsExchange!: string;

  @EnvString('QUEUE_PREFIX', { default: 'cloudphone', pattern: /^[\w.:-]{1,64}$/ })
  queuePrefix!: string;

  @EnvInteger('EVENTS_RELAY_BATCH_SIZE', { default: 1000, min: 1, max: 10000 })
  eventsRelayBatchSize!: number;

  /** How often an idle relay looks for rows committed by other processes (its own commits wake it). */
  @EnvInteger('EVENTS_RELAY_POLL_INTERVAL_MS', { default: 1000, min: 10, max: 60000 })
  eventsRelayPollIntervalMs!: number;

  /**
   * The outbox backoff (retry-backoff.ts): of an event RabbitMQ refused (unroutable or nacked) and of
   * a message an HTTP destination deferred. Doubles per attempt up to the max, half of it jitter.
   */
  @EnvInteger('EVENTS_RELAY_RETRY_INITIAL_DELAY_MS', { default: 1000, min: 10, max: 3600000 })
  eventsRelayRetryInitialDelayMs!: number;

  @EnvInteger('EVENTS_RELAY_RETRY_MAX_DELAY_MS', { default: 60000, min: 10, max: 3600000 })
  eventsRelayRetryMaxDelayMs!: number;

  @EnvInteger('EVENTS_PUBLISH_CONFIRM_TIMEOUT_MS', { default: 10000, min: 100, max: 120000 })
  eventsPublishConfirmTimeoutMs!: number;

  @EnvInteger('EVENTS_CONSUMER_PREFETCH', { default: 20, min: 1, max: 1000 })
  eventsConsumerPrefetch!: number;

  /**
   * Delays before the 2nd, 3rd... attempt of a failing handler (one delay queue each); after the
   * last one fails the event goes to the dead-letter queue, so attempts = number of delays + 1.
   */
  @EnvString('EVENTS_CONSUMER_RETRY_DELAYS_MS', {
    default: '1000,5000,30000,120000',
    pattern: /^\d{1,9}(,\d{1,9}){0,19}$/,
    description: 'a comma-separated list of 1 to 20 delays in milliseconds',
  })
  eventsConsumerRetryDelaysMs!: string;

  /** Redeliveries (consumer crashed or channel lost mid-handling) before the broker dead-letters a message. */
  @EnvInteger('EVENTS_CONSUMER_DELIVERY_LIMIT', { default: 10, min: 1, max: 1000 })
  eventsConsumerDeliveryLimit!: number;

  @EnvInteger('EVENTS_OUTBOX_RETENTION_HOURS', { default: 72, min: 1, max: 8760 })
  eventsOutboxRetentionHours!: number;

  /** Rows a destination refused for good wait this long for a person (GET /internal/outbox) before they go. */
  @EnvInteger('EVENTS_OUTBOX_REJECTED_RETENTION_HOURS', { default: 720, min: 1, max: 87600 })
  eventsOutboxRejectedRetentionHours!: number;

  /** Keep handled ids longer than any redelivery can take, or a late duplicate is handled again. */
  @EnvInteger('EVENTS_INBOX_RETENTION_HOURS', { default: 336, min: 1, max: 8760 })
  eventsInboxRetentionHours!: number;
}
