import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repositoryRoot } from '@cloudphone/shared/testing';

// Plain @nestjs/schedule decorators fire on every replica; apps must use @ClusterSafeCron. The lint
// rule bans the import; this also catches decorators declared or re-exported some other way.
const FORBIDDEN = /@(Cron|Interval|Timeout)\s*\(/;

function typescriptFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : typescriptFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('apps use @ClusterSafeCron only', () => {
  it('has no @Cron(, @Interval( or @Timeout( in apps/**/*.ts', () => {
    const root = repositoryRoot();
    const files = typescriptFiles(join(root, 'apps'));
    expect(files.length).toBeGreaterThan(0);
    const offenders = files.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, index) =>
          FORBIDDEN.test(line) ? [`${relative(root, file)}:${index + 1}: ${line.trim()}`] : [],
        ),
    );
    expect(offenders).toEqual([]);
  });
});
