// PM2 process file: every service in cluster mode on one host (`npm run start:cluster`, or
// `pm2 start ecosystem.config.js` after `npm run build` and `npm run migrate`). docs/deployment.md
// lists the variables. PM2 re-reads this file on `pm2 start|reload ecosystem.config.js`.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const catalogFile = join(__dirname, 'dist', 'libs', 'contracts', 'src', 'common', 'service-catalog.js');
if (!existsSync(catalogFile)) {
  throw new Error('ecosystem.config.js: the apps are not built; run `npm run build` first');
}
const { SERVICE_CATALOG, serviceVariablePrefix: variablePrefix } = require(catalogFile);

const DEFAULT_INSTANCES = 2;
// A worker's resident memory past which PM2 reloads it (gracefully: wait_ready, kill_timeout), in MB.
// It catches a leak rather than load: pick it well above the steady state `pm2 monit` shows.
const DEFAULT_MAX_MEMORY_MB = 1024;
const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const LOCAL_DEFAULTS = {
  REDIS_URL: 'redis://127.0.0.1:6379',
  RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672',
};
// Every instance must share these, and they must survive restarts, so they are never generated here.
const REQUIRED_SECRETS = ['JWT_SECRET', 'SERVICE_TOKEN_SECRET', 'VENDOR_CREDENTIALS_KEY'];

const environment = process.env;
const missing = REQUIRED_SECRETS.filter((variable) => !environment[variable]);
if (missing.length > 0) {
  throw new Error(`ecosystem.config.js: ${missing.join(', ')} must be set (at least 32 characters each)`);
}

const logDirectory = environment.CLUSTER_LOG_DIR || join(__dirname, 'logs');
const shutdownTimeoutMs = integerVariable('SHUTDOWN_TIMEOUT_MS', 10000, 1000);
// During the delay a stopping worker still serves but answers `Connection: close`, so clients drop
// their keep-alive connections to it before it closes the idle ones (no reset mid-request on reload).
const shutdownDelayMs = integerVariable('SHUTDOWN_DELAY_MS', 1000, 0);

function integerVariable(variable, fallback, min) {
  const raw = environment[variable];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min) {
    throw new Error(`ecosystem.config.js: ${variable} must be an integer of at least ${min}, got "${raw}"`);
  }
  return Number(raw);
}

function instancesOf(serviceName) {
  const variable = `${variablePrefix(serviceName)}_INSTANCES`;
  if (environment[variable] === 'max') return 'max';
  return integerVariable(variable, DEFAULT_INSTANCES, 1);
}

// PM2 samples memory every 30 s (PM2_WORKER_INTERVAL). CLUSTER_MAX_MEMORY_MB for every service,
// <SERVICE>_MAX_MEMORY_MB for one. The V8 heap keeps its host-sized default; a shell's NODE_OPTIONS
// (e.g. --max-old-space-size below the threshold) reaches the workers like its other variables.
function maxMemoryOf(serviceName) {
  const fallback = integerVariable('CLUSTER_MAX_MEMORY_MB', DEFAULT_MAX_MEMORY_MB, 128);
  return `${integerVariable(`${variablePrefix(serviceName)}_MAX_MEMORY_MB`, fallback, 128)}M`;
}

function portOf(service) {
  return environment[`${variablePrefix(service.name)}_PORT`] || String(service.port);
}

// Where a service's clients of other services call. On one host the owners listen on their
// resolved ports; the config's defaults would miss a <SERVICE>_PORT override.
const SERVICE_URLS = {
  USER_SERVICE_URL: environment.USER_SERVICE_URL || `http://127.0.0.1:${portOf(SERVICE_CATALOG.user)}`,
  BILLING_SERVICE_URL:
    environment.BILLING_SERVICE_URL || `http://127.0.0.1:${portOf(SERVICE_CATALOG.billing)}`,
  DEVICE_SERVICE_URL: environment.DEVICE_SERVICE_URL || `http://127.0.0.1:${portOf(SERVICE_CATALOG.device)}`,
};
// The services each one calls: device-service its quota and billing clients; proxy-service
// allocations, users and charges; sms-receive-service allocations and charges; user-service the
// allocations quota reconciliation checks usage against; billing-service the running allocations
// its meter job charges slices of. Only those get the URLs.
const CALLEES = {
  [SERVICE_CATALOG.user.name]: ['DEVICE_SERVICE_URL'],
  [SERVICE_CATALOG.device.name]: ['USER_SERVICE_URL', 'BILLING_SERVICE_URL'],
  [SERVICE_CATALOG.proxy.name]: ['DEVICE_SERVICE_URL', 'USER_SERVICE_URL', 'BILLING_SERVICE_URL'],
  [SERVICE_CATALOG.smsReceive.name]: ['DEVICE_SERVICE_URL', 'USER_SERVICE_URL', 'BILLING_SERVICE_URL'],
  // Every service verifies the API keys sent to it with user-service (introspection).
  [SERVICE_CATALOG.billing.name]: ['USER_SERVICE_URL', 'DEVICE_SERVICE_URL'],
  [SERVICE_CATALOG.notification.name]: ['USER_SERVICE_URL'],
};

function serviceUrlsOf(service) {
  return Object.fromEntries(
    (CALLEES[service.name] || []).map((variable) => [variable, SERVICE_URLS[variable]]),
  );
}

function databaseUrlOf(service) {
  const explicit = environment[`${variablePrefix(service.name)}_DATABASE_URL`];
  if (explicit) return explicit;
  const url = new URL(environment.POSTGRES_URL || DEFAULT_POSTGRES_URL);
  url.pathname = `/${service.database}`;
  return url.toString();
}

function appOf(service) {
  // One service's own schedule overrides (docs/coordination.md); job names differ between services.
  const cronOverrides = environment[`${variablePrefix(service.name)}_CRON_SCHEDULE_OVERRIDES`];
  return {
    name: service.name,
    namespace: 'cloudphone',
    script: join(__dirname, 'dist', 'apps', service.name, 'src', 'main.js'),
    cwd: __dirname,
    exec_mode: 'cluster',
    instances: instancesOf(service.name),
    // bootstrapService sends `ready` once listening; reload replaces workers one at a time.
    wait_ready: true,
    listen_timeout: integerVariable('CLUSTER_LISTEN_TIMEOUT_MS', 30000, 1000),
    // PM2 sends SIGINT (graceful drain), then SIGKILL after kill_timeout: leave the drain its time.
    kill_timeout: shutdownDelayMs + shutdownTimeoutMs + 5000,
    autorestart: true,
    min_uptime: 10000,
    max_restarts: 15,
    exp_backoff_restart_delay: 200,
    max_memory_restart: maxMemoryOf(service.name),
    // One file per service for all workers, appended to and never rotated by PM2 itself:
    // deploy/pm2/logrotate.conf rotates them (copytruncate, as PM2 keeps them open).
    merge_logs: true,
    out_file: join(logDirectory, `${service.name}.out.log`),
    error_file: join(logDirectory, `${service.name}.error.log`),
    env: {
      NODE_ENV: environment.NODE_ENV || 'production',
      PORT: portOf(service),
      DATABASE_URL: databaseUrlOf(service),
      ...serviceUrlsOf(service),
      REDIS_URL: environment.REDIS_URL || LOCAL_DEFAULTS.REDIS_URL,
      RABBITMQ_URL: environment.RABBITMQ_URL || LOCAL_DEFAULTS.RABBITMQ_URL,
      CLUSTER_MODE: 'on',
      SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs),
      SHUTDOWN_DELAY_MS: String(shutdownDelayMs),
      // Empty means "use the default", hostname-pid: distinct per worker, even if the shell exports one.
      INSTANCE_ID: '',
      ...(cronOverrides ? { CRON_SCHEDULE_OVERRIDES: cronOverrides } : {}),
    },
  };
}

module.exports = { apps: Object.values(SERVICE_CATALOG).map(appOf) };
