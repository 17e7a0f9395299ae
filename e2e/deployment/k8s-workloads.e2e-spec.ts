import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { parseDocument } from 'yaml';
import { repositoryRoot } from '@cloudphone/shared/testing';
import {
  renderKustomization,
  validateAgainstKubernetesSchema,
  type KubernetesObject,
} from '../support/kubernetes-manifests';

/** V8's old space gets this share of the container's memory limit; the rest is for everything else. */
const HEAP_SHARE = 0.75;
const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'Job'];
/** A Job's name becomes its pods' job-name label value: a DNS-1123 label of at most 63 characters. */
const JOB_NAME = /^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$/;

const BINARY_UNITS: Record<string, number> = { Ki: 1 / 1024, Mi: 1, Gi: 1024 };
const DECIMAL_UNITS: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9 };

/** A memory quantity ("512Mi", "1Gi", "800M", "536870912") in MiB. */
function mebibytes(quantity: string): number {
  const match = /^(\d+)([KMG]i|[kMG])?$/.exec(quantity);
  if (!match) throw new Error(`unsupported memory quantity ${quantity}`);
  const [, amount, unit] = match;
  if (unit === undefined) return Number(amount) / 2 ** 20;
  if (unit in BINARY_UNITS) return Number(amount) * BINARY_UNITS[unit];
  return (Number(amount) * DECIMAL_UNITS[unit]) / 2 ** 20;
}

function podSpecs(objects: KubernetesObject[]): Array<[string, IPodSpec]> {
  return objects
    .filter((object) => WORKLOAD_KINDS.includes(object.kind))
    .map((object) => [
      `${object.kind}/${object.metadata.name}`,
      (object as unknown as IDeployment).spec!.template.spec!,
    ]);
}

/** Copies k8s/ and sets the prod overlay's image tag, as `kustomize edit set image` would. */
function prodWithTag(workspace: string, tag: string): string {
  const copy = join(workspace, tag);
  cpSync(join(repositoryRoot(), 'k8s'), copy, { recursive: true });
  const file = join(copy, 'overlays', 'prod', 'kustomization.yaml');
  const kustomization = parseDocument(readFileSync(file, 'utf8'));
  kustomization.setIn(['images', 0, 'newTag'], tag);
  writeFileSync(file, kustomization.toString());
  return join(copy, 'overlays', 'prod');
}

describe.each(['k8s/overlays/dev', 'k8s/overlays/prod'])('workloads of %s', (directory) => {
  let objects: KubernetesObject[];

  beforeAll(async () => {
    objects = await renderKustomization(directory);
  });

  it('mounts no service account token into any pod (none calls the Kubernetes API)', () => {
    const pods = podSpecs(objects);
    expect(pods.length).toBeGreaterThanOrEqual(7);
    for (const [workload, pod] of pods) {
      expect(`${workload}: ${pod.automountServiceAccountToken}`).toBe(`${workload}: false`);
    }
  });

  it('caps the Node heap of every container at 75 % of its memory limit, through NODE_OPTIONS', () => {
    const containers: Array<[string, IContainer]> = objects
      .filter((object) => object.kind === 'Deployment' || object.kind === 'Job')
      .flatMap((object) => {
        const pod = (object as unknown as IDeployment | IJob).spec!.template.spec!;
        return [...(pod.initContainers ?? []), ...pod.containers].map((container): [string, IContainer] => [
          `${object.metadata.name}/${container.name}`,
          container,
        ]);
      });
    expect(containers.length).toBeGreaterThanOrEqual(13);
    for (const [name, container] of containers) {
      // Started as `node <script>`, so node itself reads NODE_OPTIONS; no shell or launcher between.
      expect(`${name}: ${container.command?.[0]}`).toBe(`${name}: node`);
      const limit = container.resources?.limits?.memory;
      expect(`${name}: ${typeof limit}`).toBe(`${name}: string`);
      const options = container.env?.find((variable) => variable.name === 'NODE_OPTIONS')?.value ?? '';
      const expected = Math.floor(mebibytes(String(limit)) * HEAP_SHARE);
      expect(`${name} (limit ${limit}): ${options}`).toBe(
        `${name} (limit ${limit}): --max-old-space-size=${expected}`,
      );
    }
  });
});

describe('the migrate Job of the prod overlay', () => {
  let workspace: string;

  beforeAll(() => {
    workspace = mkdtempSync(join(tmpdir(), 'cloudphone-k8s-'));
  });

  afterAll(() => {
    rmSync(workspace, { recursive: true, force: true });
  });

  it('is a new Job per image tag (Jobs are immutable), every other object keeping its name', async () => {
    const tags = ['0.2.0', '0.3.0-rc.1'];
    const renders = await Promise.all(tags.map((tag) => renderKustomization(prodWithTag(workspace, tag))));
    const jobs = renders.map((objects) => objects.filter((object) => object.kind === 'Job') as IJob[]);
    expect(jobs.map((list) => list.length)).toEqual([1, 1]);
    const names = jobs.map(([job]) => job.metadata!.name!);
    expect(names).toEqual(tags.map((tag) => `cloudphone-migrate-${tag}`));
    for (const [index, [job]] of jobs.entries()) {
      expect(names[index]).toMatch(JOB_NAME);
      expect(job.spec!.template.spec!.containers[0].image).toBe(
        `registry.example.com/cloudphone/platform:${tags[index]}`,
      );
      expect(() => validateAgainstKubernetesSchema(job as unknown as KubernetesObject)).not.toThrow();
    }
    const others = renders.map((objects) =>
      objects
        .filter((object) => object.kind !== 'Job')
        .map((object) => `${object.kind}/${object.metadata.name}`)
        .sort(),
    );
    expect(others[1]).toEqual(others[0]);
  });
});
