import { parseRabbitMqUrls } from './messaging.config';

describe('parseRabbitMqUrls', () => {
  it("reads one URL or a comma-separated list of a cluster's brokers", () => {
    expect(parseRabbitMqUrls('amqp://guest:guest@127.0.0.1:5672')).toEqual([
      'amqp://guest:guest@127.0.0.1:5672',
    ]);
    expect(parseRabbitMqUrls('amqp://rabbit-0:5672, amqps://rabbit-1:5671')).toEqual([
      'amqp://rabbit-0:5672',
      'amqps://rabbit-1:5671',
    ]);
  });

  it('names the entry that is wrong, without echoing it (it may hold a password)', () => {
    expect(() => parseRabbitMqUrls('amqp://a:5672,http://user:secret@b')).toThrow(
      'entry 2 is not an amqp:// or amqps:// URL',
    );
    expect(() => parseRabbitMqUrls('amqp://a:5672,')).toThrow('entry 2 is not a URL');
    expect(() => parseRabbitMqUrls('not a url')).toThrow('entry 1 is not a URL');
  });
});
