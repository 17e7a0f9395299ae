import { NODE_LIMITS, type NodeTaint } from '@cloudphone/contracts';

/**
 * What is wrong with a node's labels, or null: an object of at most NODE_LIMITS.maxLabels string
 * values under keys of NODE_LIMITS.labelKeyPattern. Class-validator checks the shape of a body, not
 * the keys of a free-form object, so this is checked here (a key like `__proto__` or one with a NUL
 * byte is refused, not stored).
 */
export function labelsProblem(labels: unknown): string | null {
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels))
    return 'labels must be an object';
  const entries = Object.entries(labels);
  if (entries.length > NODE_LIMITS.maxLabels) return `labels may have at most ${NODE_LIMITS.maxLabels} keys`;
  for (const [key, value] of entries) {
    if (!NODE_LIMITS.labelKeyPattern.test(key)) return `label key ${JSON.stringify(key)} is not allowed`;
    if (typeof value !== 'string') return `label ${key} must be a string`;
    if (value.length > NODE_LIMITS.labelValueMaxLength || !/^[\w.-]*$/.test(value)) {
      return `label ${key} must be at most ${NODE_LIMITS.labelValueMaxLength} letters, digits, . _ -`;
    }
  }
  return null;
}

/** A taint listed twice (same key and effect) is a mistake, not a stronger taint. */
export function taintsProblem(taints: NodeTaint[]): string | null {
  const seen = new Set<string>();
  for (const taint of taints) {
    const id = `${taint.key}:${taint.effect}`;
    if (seen.has(id)) return `taint ${taint.key} (${taint.effect}) is listed twice`;
    seen.add(id);
  }
  return null;
}
