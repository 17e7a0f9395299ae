import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { type Environment, loadConfig } from '../config/config-loader';
import type { PlatformServiceConfig } from './platform-service.config';
import type { ServiceEntry } from './service-entry';

/** The document a running service serves at /docs/openapi.json and `npm run openapi` writes. */
export function createOpenApiDocument(
  app: INestApplication,
  info: { title: string; description: string },
): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(info.title)
      .setDescription(info.description)
      .setVersion('1.0')
      .addBearerAuth()
      .build(),
  );
}

/**
 * A service's document from its module graph alone: Nest's preview mode resolves the graph
 * without instantiating a provider, so nothing connects to Postgres, Redis or RabbitMQ and no job
 * starts. The environment only has to pass the config's validation.
 */
export async function buildServiceOpenApiDocument<C extends PlatformServiceConfig & { port: number }>(
  entry: ServiceEntry<C>,
  environment: Environment,
): Promise<OpenAPIObject> {
  const config = loadConfig(entry.configClass, environment);
  const app = await NestFactory.create(entry.rootModule(config), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    return createOpenApiDocument(app, { title: config.serviceName, description: entry.description });
  } finally {
    await app.close();
  }
}
