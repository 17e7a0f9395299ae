/** Connection URLs of the real servers tests use; override with TEST_* variables. */
export const TEST_SERVERS = {
  postgresUrl: process.env.TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
  redisUrl: process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379',
  rabbitmqUrl: process.env.TEST_RABBITMQ_URL || 'amqp://guest:guest@127.0.0.1:5672',
};
