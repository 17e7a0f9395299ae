import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve as resolvePath } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { repositoryRoot } from '@cloudphone/shared/testing';
import { prometheusOperatorViolations } from './prometheus-operator-schemas';

/** A rendered Kubernetes object, loosely typed: tests read the fields they check. */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

interface ValidatableModel {
  validate(): void;
}

/** Runs `kubectl kustomize <directory>` (absolute, or relative to the repository) and parses every object. */
export function renderKustomization(directory: string): Promise<KubernetesObject[]> {
  return kustomize(resolvePath(repositoryRoot(), directory), directory);
}

/**
 * Renders an overlay with components added, as an overlay listing them under `components:` would:
 * a throwaway kustomization (kustomize takes no absolute paths, so it names both relatively).
 */
export async function renderWithComponents(
  overlay: string,
  components: string[],
): Promise<KubernetesObject[]> {
  const directory = await mkdtemp(join(tmpdir(), 'kustomize-'));
  const fromHere = (path: string) => relative(directory, join(repositoryRoot(), path));
  try {
    const kustomization = {
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: [fromHere(overlay)],
      components: components.map(fromHere),
    };
    await writeFile(join(directory, 'kustomization.yaml'), stringify(kustomization));
    return await kustomize(directory, `${overlay} + ${components.join(', ')}`);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

function kustomize(path: string, name: string): Promise<KubernetesObject[]> {
  return new Promise((resolve, reject) => {
    execFile(
      'kubectl',
      ['kustomize', path],
      { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            new Error(
              `kubectl kustomize ${name} failed (is kubectl installed?): ${error.message}\n${stderr}`,
            ),
          );
          return;
        }
        resolve(
          parseAllDocuments(stdout)
            .map((document) => document.toJS() as KubernetesObject | null)
            .filter((object): object is KubernetesObject => object !== null),
        );
      },
    );
  });
}

/**
 * Validates one object against the Kubernetes API schema of its apiVersion/kind, as published in
 * the kubernetes-models package (the Prometheus Operator's kinds: prometheus-operator-schemas.ts);
 * throws naming the object and each violation.
 */
export function validateAgainstKubernetesSchema(object: KubernetesObject): void {
  if (object.apiVersion.startsWith('monitoring.coreos.com/')) {
    const violations = prometheusOperatorViolations(object);
    if (violations === null)
      throw new Error(
        `${object.kind} ${object.metadata.name}: no schema for ${object.apiVersion} ${object.kind}`,
      );
    if (violations.length > 0)
      throw new Error(`${object.kind} ${object.metadata.name}: ${violations.join('; ')}`);
    return;
  }
  const [group, version] = object.apiVersion.includes('/')
    ? object.apiVersion.split('/')
    : ['', object.apiVersion];
  const modulePath = ['kubernetes-models', group, version, object.kind].filter(Boolean).join('/');
  let models: Record<string, new (data: object) => ValidatableModel>;
  try {
    models = require(modulePath) as typeof models;
  } catch {
    throw new Error(
      `${object.kind} ${object.metadata.name}: no schema for ${object.apiVersion} ${object.kind}`,
    );
  }
  try {
    new models[object.kind](withUnwrappedBase64(object)).validate();
  } catch (error) {
    throw new Error(`${object.kind} ${object.metadata.name}: ${(error as Error).message}`);
  }
}

/**
 * kustomize wraps long base64 values of generated Secrets over several lines. The API server
 * decodes them like Go's base64 decoder, ignoring line breaks; the schema's `byte` format does not.
 */
function withUnwrappedBase64(object: KubernetesObject): KubernetesObject {
  if (object.kind !== 'Secret' || typeof object.data !== 'object' || object.data === null) return object;
  const data = Object.fromEntries(
    Object.entries(object.data as Record<string, string>).map(([key, value]) => [
      key,
      value.replace(/[\r\n]/g, ''),
    ]),
  );
  return { ...object, data };
}
