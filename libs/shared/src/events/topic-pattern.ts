const WORD = /^[a-z0-9_]+$/;

/**
 * Throws unless `pattern` is an AMQP topic pattern over event types: dot-separated words of
 * lower-case letters, digits and underscores, `*` (exactly one word) or `#` (zero or more words).
 */
export function assertValidTopicPattern(pattern: string): void {
  const words = pattern.split('.');
  if (
    pattern.length === 0 ||
    pattern.length > 255 ||
    !words.every((word) => word === '*' || word === '#' || WORD.test(word))
  ) {
    throw new Error(
      `Invalid event pattern "${pattern}": use words like device.allocated, device.* or billing.#`,
    );
  }
}

/** Whether routing key `type` matches topic `pattern` exactly as RabbitMQ's topic exchange decides. */
export function topicPatternMatches(pattern: string, type: string): boolean {
  return matchWords(pattern.split('.'), 0, type.split('.'), 0);
}

function matchWords(pattern: string[], p: number, words: string[], w: number): boolean {
  if (p === pattern.length) return w === words.length;
  const head = pattern[p];
  if (head === '#') {
    for (let skip = w; skip <= words.length; skip += 1) {
      if (matchWords(pattern, p + 1, words, skip)) return true;
    }
    return false;
  }
  if (w === words.length) return false;
  return (head === '*' || head === words[w]) && matchWords(pattern, p + 1, words, w + 1);
}
