// The ceiling's driver when pgbench is missing: a process of its own (not the benchmark's, which
// is busy with other work) running the ceiling transaction from N pg clients for D seconds.
// Usage: node ceiling-worker.js <database url> <clients> <seconds>; prints {"transactionsPerSecond"}.
import { Client } from 'pg';
import { CEILING_TRANSACTION } from './database-ceiling';

async function main(): Promise<void> {
  const [url, clients, seconds] = process.argv.slice(2);
  const connected = await Promise.all(
    Array.from({ length: Number(clients) }, async () => {
      const client = new Client({ connectionString: url });
      await client.connect();
      return client;
    }),
  );
  let committed = 0;
  const started = performance.now();
  const deadline = started + Number(seconds) * 1000;
  await Promise.all(
    connected.map(async (client) => {
      while (performance.now() < deadline) {
        await client.query({ name: 'ceiling', text: CEILING_TRANSACTION });
        committed += 1;
      }
    }),
  );
  const elapsedSeconds = (performance.now() - started) / 1000;
  await Promise.all(connected.map((client) => client.end()));
  console.log(JSON.stringify({ transactionsPerSecond: committed / elapsedSeconds }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
