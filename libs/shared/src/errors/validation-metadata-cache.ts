import { getMetadataStorage } from 'class-validator';

type MetadataStorage = ReturnType<typeof getMetadataStorage>;
type ValidationMetadata = ReturnType<MetadataStorage['getTargetValidationMetadatas']>[number];

let installed = false;

/**
 * class-validator finds a class's rules on every validation (and for every nested object) by
 * walking every class that has rules, with an `instanceof` check each: several hundred DTO and event
 * classes here, about 2 % of a service's busy time on the allocate path. The rules only change while
 * decorators run, so each answer is kept until a rule is added (which clears them all). Installed
 * once per process on class-validator's global storage; the answers are read, never mutated, by
 * class-validator's executor.
 */
export function cacheValidationMetadata(): void {
  if (installed) return;
  installed = true;
  const storage = getMetadataStorage();
  const find = storage.getTargetValidationMetadatas.bind(storage);
  const group = storage.groupByPropertyName.bind(storage);
  let answers = new Map<unknown, Map<string, ValidationMetadata[]>>();
  let groupings = new WeakMap<ValidationMetadata[], ReturnType<MetadataStorage['groupByPropertyName']>>();
  const forget = () => {
    answers = new Map();
    groupings = new WeakMap();
  };
  for (const adding of ['addValidationMetadata', 'addConstraintMetadata', 'addValidationSchema'] as const) {
    const add = (storage[adding] as (...args: unknown[]) => void).bind(storage);
    (storage[adding] as (...args: unknown[]) => void) = (...args) => {
      forget();
      add(...args);
    };
  }
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = `${schema}\u0000${always}\u0000${strictGroups}\u0000${groups?.join('\u0000') ?? ''}`;
    let perTarget = answers.get(target);
    if (!perTarget) answers.set(target, (perTarget = new Map()));
    let answer = perTarget.get(key);
    if (!answer) perTarget.set(key, (answer = find(target, schema, always, strictGroups, groups)));
    return answer;
  };
  storage.groupByPropertyName = (metadata) => {
    let grouped = groupings.get(metadata);
    if (!grouped) groupings.set(metadata, (grouped = group(metadata)));
    return grouped;
  };
}
