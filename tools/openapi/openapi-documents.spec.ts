import { existsSync, readFileSync } from 'node:fs';
import { validate } from '@readme/openapi-parser';
import { repositoryRoot } from '@cloudphone/shared/testing';
import {
  buildOpenApiDocument,
  findUndocumentedResponses,
  openApiDocumentPath,
  renderOpenApiDocument,
  SERVICES,
} from './openapi-documents';

// The committed documents are the published API: each must be what the code generates now, valid
// OpenAPI, and say for every route what it answers on success and on failure.
describe.each(SERVICES)('openapi/%s.json', (service) => {
  const file = openApiDocumentPath(repositoryRoot(), service);
  let generated: string;

  beforeAll(async () => {
    generated = renderOpenApiDocument(await buildOpenApiDocument(repositoryRoot(), service, 'src'));
  });

  it('is what the code generates (run `npm run openapi` and commit the result)', () => {
    const committed = existsSync(file) ? readFileSync(file, 'utf8') : '';
    if (committed !== generated)
      throw new Error(
        `${file} is out of date with ${service}'s routes: run \`npm run openapi\` and commit the result`,
      );
  });

  it('is a valid OpenAPI document', async () => {
    const result = await validate(JSON.parse(generated) as Parameters<typeof validate>[0]);
    expect(result.valid ? [] : result.errors.map((error) => error.message)).toEqual([]);
  });

  it('declares a success schema and the error responses of every route', () => {
    expect(findUndocumentedResponses(JSON.parse(generated) as never)).toEqual([]);
  });
});
