import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repositoryRoot } from '@cloudphone/shared/testing';

// Issue 17: `nx affected` and the Nx cache only help if every project has real, cacheable targets
// and the project graph says what a change reaches. This asks Nx itself (the resolved
// configuration, after nx.json's targetDefaults are merged into each project.json), not the JSON
// files, so a target that Nx drops or a missing dependency edge fails here.
const run = promisify(execFile);
const nx = join(repositoryRoot(), 'node_modules', '.bin', 'nx');
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };

interface TargetConfiguration {
  inputs?: unknown[];
  outputs?: string[];
  cache?: boolean;
  dependsOn?: unknown[];
}
interface ProjectNode {
  type: 'app' | 'lib' | 'e2e';
  data: { root: string; tags?: string[]; targets: Record<string, TargetConfiguration> };
}
interface ProjectGraph {
  nodes: Record<string, ProjectNode>;
  dependencies: Record<string, { target: string }[]>;
}

async function nxJson<T>(...args: string[]): Promise<T> {
  const { stdout } = await run(nx, args, { cwd: repositoryRoot(), env, maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout) as T;
}

async function projectGraph(): Promise<ProjectGraph> {
  const folder = mkdtempSync(join(tmpdir(), 'nx-graph-'));
  try {
    const file = join(folder, 'graph.json');
    await run(nx, ['graph', `--file=${file}`], { cwd: repositoryRoot(), env });
    return (JSON.parse(readFileSync(file, 'utf8')) as { graph: ProjectGraph }).graph;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

const affectedBy = (file: string): Promise<string[]> =>
  nxJson<string[]>('show', 'projects', '--affected', `--files=${file}`, '--json');

describe('Nx targets and project graph', () => {
  let graph: ProjectGraph;
  let byUserService: string[];
  let bySharedLibrary: string[];
  const projects = (): string[] => Object.keys(graph.nodes).sort();
  const apps = (): string[] =>
    projects().filter((name) => graph.nodes[name]?.data.tags?.includes('type:app'));

  // One process per question, run together: each pays Nx's start-up, not each other's.
  beforeAll(async () => {
    [graph, byUserService, bySharedLibrary] = await Promise.all([
      projectGraph(),
      affectedBy('apps/user-service/src/main.ts'),
      affectedBy('libs/shared/src/index.ts'),
    ]);
  }, 60_000);

  it('knows the ten projects', () => {
    expect(projects()).toEqual([
      'billing-service',
      'contracts',
      'device-service',
      'e2e',
      'notification-service',
      'proxy-service',
      'shared',
      'sms-receive-service',
      'tools',
      'user-service',
    ]);
  });

  it.each(['build', 'lint', 'test', 'typecheck'])(
    'gives every project a cached %s target with declared inputs and outputs',
    (targetName) => {
      for (const name of projects()) {
        const target = graph.nodes[name]?.data.targets[targetName];
        expect({ name, cache: target?.cache }).toEqual({ name, cache: true });
        expect({ name, inputs: (target?.inputs ?? []).length > 0 }).toEqual({ name, inputs: true });
        expect({ name, outputs: Array.isArray(target?.outputs) }).toEqual({ name, outputs: true });
      }
    },
  );

  it('builds each project into its own folder of dist, after the libraries it imports', () => {
    for (const name of projects()) {
      const build = graph.nodes[name]?.data.targets['build'];
      expect({ name, outputs: build?.outputs }).toEqual({
        name,
        outputs: ['{workspaceRoot}/dist/{projectRoot}'],
      });
      expect(build?.dependsOn).toContain('^build');
    }
    expect(graph.nodes['user-service']?.data.targets['test']?.dependsOn).toContain('build');
  });

  it('has every app depend on both libraries, and e2e on every other project', () => {
    const dependenciesOf = (name: string): string[] =>
      (graph.dependencies[name] ?? []).map((dependency) => dependency.target).sort();
    for (const app of apps())
      expect(dependenciesOf(app)).toEqual(expect.arrayContaining(['contracts', 'shared']));
    expect(dependenciesOf('e2e')).toEqual(projects().filter((name) => name !== 'e2e'));
  });

  it('runs a user-service change through user-service, what runs it, and e2e, but not billing', () => {
    expect(byUserService).toEqual(expect.arrayContaining(['user-service', 'device-service', 'e2e']));
    expect(byUserService).not.toContain('billing-service');
    expect(byUserService).not.toContain('shared');
  });

  it('runs a change of the shared library through every app', () => {
    expect(bySharedLibrary).toEqual(expect.arrayContaining([...apps(), 'shared', 'tools', 'e2e']));
    expect(bySharedLibrary).not.toContain('contracts');
  });
});
