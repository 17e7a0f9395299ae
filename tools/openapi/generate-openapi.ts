import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  buildOpenApiDocument,
  findUndocumentedResponses,
  openApiDocumentPath,
  renderOpenApiDocument,
  SERVICES,
} from './openapi-documents';

/**
 * `npm run openapi`: writes openapi/<service>.json for every service from the build, without
 * Postgres, Redis or RabbitMQ. The unit suite fails until the committed files match the code.
 */
async function main(): Promise<void> {
  const root = join(__dirname, '..', '..', '..');
  for (const service of SERVICES) {
    const document = await buildOpenApiDocument(root, service, 'dist');
    const file = openApiDocumentPath(root, service);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, renderOpenApiDocument(document));
    const problems = findUndocumentedResponses(document);
    console.log(`${file}: ${Object.keys(document.paths).length} paths`);
    for (const problem of problems) console.warn(`  ${problem}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
