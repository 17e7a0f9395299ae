// Plain JavaScript so .ci/run and Jest's global setup can use it before anything is compiled.
const net = require('node:net');

const SERVERS = [
  {
    name: 'PostgreSQL',
    variable: 'TEST_POSTGRES_URL',
    fallback: 'postgres://postgres@127.0.0.1:5432/postgres',
    start: "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
  },
  {
    name: 'Redis',
    variable: 'TEST_REDIS_URL',
    fallback: 'redis://127.0.0.1:6379',
    start: 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no',
  },
  {
    name: 'RabbitMQ',
    variable: 'TEST_RABBITMQ_URL',
    fallback: 'amqp://guest:guest@127.0.0.1:5672',
    start: 'rabbitmq-server -detached',
  },
];

function probe(host, port, timeoutMs) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Rejects with a message naming every server that does not accept TCP connections. */
async function assertServersReachable(timeoutMs = 2000) {
  const failures = [];
  for (const server of SERVERS) {
    const url = new URL(process.env[server.variable] || server.fallback);
    const defaultPort = { 'postgres:': 5432, 'redis:': 6379, 'amqp:': 5672 }[url.protocol];
    const port = Number(url.port || defaultPort);
    if (!(await probe(url.hostname, port, timeoutMs))) {
      failures.push(`${server.name} is not reachable at ${url.hostname}:${port} (start it with: ${server.start})`);
    }
  }
  if (failures.length > 0) throw new Error(`Tests need real servers:\n  ${failures.join('\n  ')}`);
}

module.exports = { assertServersReachable, SERVERS };

if (require.main === module) {
  assertServersReachable().then(
    () => console.log('PostgreSQL, Redis and RabbitMQ are reachable'),
    (error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
