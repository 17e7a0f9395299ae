import { serviceByName } from './service-by-name';

// Docker HEALTHCHECK: exits 0 when the service in this container answers 200 on /health/live (or
// the path given as argument). The port is PORT, else the default port of the service named by APP.
async function main(): Promise<void> {
  const port = process.env.PORT || String(serviceByName(process.env.APP).port);
  const path = process.argv[2] ?? '/health/live';
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2500) });
  if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`[healthcheck] ${(error as Error).message}`);
    process.exit(1);
  },
);
