/**
 * Finds the first key that could smuggle a MongoDB operator or a dotted path into a query:
 * one starting with `$` or containing `.`, at any depth of a body or query string.
 */
export function findOperatorKey(value: unknown, path = '', depth = 0): string | undefined {
  if (depth > 32) return path || '(root)'; // deeper than any DTO we accept
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findOperatorKey(value[i], `${path}[${i}]`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const childPath = path ? `${path}.${key}` : key;
    if (key.startsWith('$') || key.includes('.')) return childPath;
    const found = findOperatorKey(child, childPath, depth + 1);
    if (found) return found;
  }
  return undefined;
}
