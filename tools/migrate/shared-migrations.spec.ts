import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICE_CATALOG } from '@cloudphone/contracts';
import { MigrationRunner } from '@cloudphone/shared';
import { repositoryRoot } from '@cloudphone/shared/testing';

// sha256 of migrations/<service>/0002_create_outbox_and_inbox.sql as every service applied it before
// the outbox and inbox moved to migrations/shared (identical in all six services).
const APPLIED_OUTBOX_CHECKSUM = '1ffa806f0e5b6803b728d1732b2550529e7e04ae49480df22675fbe1d73880e8';

const runnerFor = (directory: string) =>
  new MigrationRunner({
    databaseUrl: 'postgres://unused/unused',
    directory: join(repositoryRoot(), 'migrations', directory),
  });

describe('migrations/shared', () => {
  it('adopts, byte for byte, the outbox and inbox migration every existing database has applied', async () => {
    const [outbox] = await runnerFor('shared').readFiles();
    expect(outbox).toMatchObject({
      name: '0001_create_outbox_and_inbox.sql',
      adopts: { name: '0002_create_outbox_and_inbox.sql', checksum: APPLIED_OUTBOX_CHECKSUM },
    });
  });

  it('is the only source of a shared migration: no service carries a copy', async () => {
    const shared = await runnerFor('shared').readFiles();
    const adopted = new Set(shared.flatMap((file) => (file.adopts ? [file.adopts.checksum] : [])));
    const sharedChecksums = new Set(shared.map((file) => file.checksum));
    for (const service of Object.values(SERVICE_CATALOG)) {
      expect(readdirSync(join(repositoryRoot(), 'migrations', service.name))).not.toContain(
        '0002_create_outbox_and_inbox.sql',
      );
      for (const file of await runnerFor(service.name).readFiles()) {
        expect(adopted.has(file.checksum) || sharedChecksums.has(file.checksum)).toBe(false);
      }
    }
  });
});
