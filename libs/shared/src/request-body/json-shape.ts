/** How large a JSON text is as a tree, measured without parsing it. */
export interface JsonShape {
  /** Deepest nesting of objects and arrays (`{}` is 1, `{"a":[1]}` is 2). */
  depth: number;
  /** Containers plus separated elements: an upper bound on the values the parsed tree holds. */
  values: number;
}

const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * One linear pass over the text, skipping string contents, that stops as soon as a limit is
 * passed. It runs before JSON.parse so that a body nested thousands deep, or holding a hundred
 * thousand tiny values, is refused before anything recursive or per-value (prototype-key
 * stripping, class-transformer, class-validator) touches it. It does not validate the syntax:
 * JSON.parse does that afterwards.
 */
export function measureJson(text: string, limits: JsonShape): JsonShape {
  let depth = 0;
  let deepest = 0;
  let values = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === BACKSLASH) index++;
      else if (code === QUOTE) inString = false;
      continue;
    }
    if (code === QUOTE) inString = true;
    else if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
      depth++;
      values++;
      if (depth > deepest) deepest = depth;
    } else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) depth--;
    else if (code === COMMA) values++;
    if (deepest > limits.depth || values > limits.values) break;
  }
  return { depth: deepest, values };
}
