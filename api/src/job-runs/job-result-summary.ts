/** How many fields of a job's answer are remembered, and how long a text value may be. */
const MAX_FIELDS = 20;
const MAX_TEXT = 200;
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

export type JobResultSummary = Record<string, string | number | boolean | null>;

/**
 * What a job answered, made small and safe to store: its top-level fields (counts, a cutoff), an
 * array as its length (reconcile's list of fixed wallets could be long), anything else as short
 * JSON text. Field names that a document could not hold (`$…`, dotted) are left out.
 */
export function summarizeJobResult(result: unknown): JobResultSummary | null {
  if (result === null || typeof result !== 'object' || Array.isArray(result)) return null;
  const summary: JobResultSummary = {};
  for (const [key, value] of Object.entries(result as Record<string, unknown>)) {
    if (Object.keys(summary).length >= MAX_FIELDS) break;
    if (!FIELD_NAME.test(key)) continue;
    if (value === null || typeof value === 'number' || typeof value === 'boolean') summary[key] = value;
    else if (typeof value === 'string') summary[key] = clip(value);
    else if (Array.isArray(value)) summary[key] = value.length;
    else if (value instanceof Date) summary[key] = value.toISOString();
    else if (value !== undefined) summary[key] = clip(JSON.stringify(value) ?? '');
  }
  return summary;
}

const clip = (text: string) => (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text);
