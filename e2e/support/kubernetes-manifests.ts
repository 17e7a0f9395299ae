import { execFile } from 'node:child_process';
import { resolve as resolvePath } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { repositoryRoot } from '@cloudphone/shared/testing';

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
  return new Promise((resolve, reject) => {
    execFile(
      'kubectl',
      ['kustomize', resolvePath(repositoryRoot(), directory)],
      { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            new Error(
              `kubectl kustomize ${directory} failed (is kubectl installed?): ${error.message}\n${stderr}`,
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
 * the kubernetes-models package; throws naming the object and each violation.
 */
export function validateAgainstKubernetesSchema(object: KubernetesObject): void {
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
