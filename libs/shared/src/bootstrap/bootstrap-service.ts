import type { Server } from 'node:http';
import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import type { BaseServiceConfig } from '../config/base-service.config';
import { HealthService } from '../health/health.service';
import { AppLogger } from '../logging/app-logger';
import { requestIdMiddleware } from '../logging/request-id.middleware';
import { createHttpMetricsMiddleware } from '../metrics/http-metrics.middleware';
import { MetricsService } from '../metrics/metrics.service';
import { createJsonBodyMiddleware } from '../request-body/json-body.middleware';
import { createAccessLogMiddleware } from './access-log.middleware';
import { answerClientErrorsWithJson } from './client-error.handler';
import { ExpressBornAdapter } from './express-born-adapter';
import { InFlightRequests } from './in-flight-requests';
import { createOpenApiDocument } from './openapi-document';

export interface BootstrapOptions {
  rootModule: DynamicModule | Type<unknown>;
  config: BaseServiceConfig;
  port: number;
  description: string;
  /** Tests pass a logger writing to a stream they read. */
  logger?: AppLogger;
  /** Install SIGTERM/SIGINT handlers and tell PM2 `ready` (default true; in-process tests pass false). */
  ownsProcess?: boolean;
}

export interface RunningService {
  app: INestApplication;
  logger: AppLogger;
  url: string;
  /** Runs the same graceful shutdown SIGTERM triggers; resolves when the app has closed. */
  shutdown(reason: string): Promise<void>;
}

/**
 * Creates, configures and starts a service: JSON logs, request ids, metrics, OpenAPI at /docs,
 * then listens and installs the SIGTERM/SIGINT graceful shutdown. Tells PM2 `ready` once listening.
 */
export async function bootstrapService(options: BootstrapOptions): Promise<RunningService> {
  const { config } = options;
  const logger =
    options.logger ??
    new AppLogger({
      serviceName: config.serviceName,
      instanceId: config.instanceId,
      level: config.logLevel,
      bufferBytes: config.logBufferBytes,
      flushIntervalMs: config.logFlushIntervalMs,
      format: config.logFormat,
      // A PM2 cluster worker's fd 1 is the PM2 daemon's own log; PM2 copies process.stdout writes
      // into the app's log files instead.
      destination: config.pm2ExecMode === 'cluster_mode' ? process.stdout : undefined,
    });
  try {
    return await startService(options, logger);
  } catch (error) {
    if (options.ownsProcess === false) throw error;
    // A worker that cannot start (port taken, bad module wiring) must exit so PM2, Docker or
    // Kubernetes restarts it, rather than linger without serving.
    logger.pino.fatal({ msg: 'service failed to start', err: error });
    logger.flush();
    process.exit(1);
  }
}

async function startService(options: BootstrapOptions, logger: AppLogger): Promise<RunningService> {
  const { config } = options;
  const app = await NestFactory.create<NestExpressApplication>(options.rootModule, new ExpressBornAdapter(), {
    logger,
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(logger);
  app.disable('x-powered-by');
  // No ETag: the API's answers are live state, never revalidated by a client, and hashing every body
  // cost about 1 % of a service's CPU under load.
  app.set('etag', false);
  // Behind an ingress every request comes from the ingress; TRUST_PROXY says which hops may name
  // the client in X-Forwarded-For, so request.ip (per-IP rate limits, logs) is the client's.
  app.set('trust proxy', config.trustProxy);

  const inFlight = new InFlightRequests();
  app.use(requestIdMiddleware);
  app.use(inFlight.middleware);
  app.use(createHttpMetricsMiddleware(app.get(MetricsService)));
  app.use(createAccessLogMiddleware(logger));
  // After the request id, so a refused body's error answer and log line carry it.
  app.use(createJsonBodyMiddleware());

  if (config.docsEnabled) {
    const document = createOpenApiDocument(app, {
      title: config.serviceName,
      description: options.description,
    });
    SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  }

  const server = app.getHttpServer() as Server;
  answerClientErrorsWithJson(server, logger);
  await app.listen(options.port, config.host);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = `http://127.0.0.1:${port}`;
  logger.pino.info({ msg: 'service listening', port, url, multiInstance: config.multiInstanceSignal() });
  // Supervisors and operators wait for this line: it does not wait in the log buffer.
  await logger.drain();

  let shuttingDown: Promise<void> | null = null;
  const shutdown = (reason: string): Promise<void> => {
    shuttingDown ??= gracefulShutdown(app, server, inFlight, logger, config, reason);
    return shuttingDown;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    void shutdown(signal).then(
      () => {
        logger.flush();
        process.exit(0);
      },
      (error: unknown) => {
        logger.pino.error({ msg: 'shutdown failed', err: error });
        logger.flush();
        process.exit(1);
      },
    );
  };
  if (options.ownsProcess !== false) {
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    process.on('unhandledRejection', (reason) =>
      logger.pino.error({ msg: 'unhandled promise rejection', err: reason }),
    );
    process.send?.('ready');
  }
  return { app, logger, url, shutdown };
}

async function gracefulShutdown(
  app: INestApplication,
  server: Server,
  inFlight: InFlightRequests,
  logger: AppLogger,
  config: BaseServiceConfig,
  reason: string,
): Promise<void> {
  const started = Date.now();
  logger.pino.info({ msg: 'shutdown started', reason, inFlight: inFlight.count });
  const deadline = setTimeout(() => {
    logger.pino.error({
      msg: 'shutdown exceeded SHUTDOWN_TIMEOUT_MS; exiting',
      timeoutMs: config.shutdownTimeoutMs,
    });
    logger.flush();
    process.exit(1);
  }, config.shutdownTimeoutMs);
  deadline.unref();

  app.get(HealthService).markDraining();
  inFlight.startDraining();
  if (config.shutdownDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, config.shutdownDelayMs));
  server.close();
  server.closeIdleConnections();
  const budget = Math.max(config.shutdownTimeoutMs - (Date.now() - started) - 2000, 500);
  const drained = await inFlight.drain(budget);
  if (!drained)
    logger.pino.warn({ msg: 'in-flight requests still open at drain deadline', inFlight: inFlight.count });
  server.closeAllConnections();
  await app.close();
  clearTimeout(deadline);
  logger.pino.info({ msg: 'shutdown complete', durationMs: Date.now() - started });
}
