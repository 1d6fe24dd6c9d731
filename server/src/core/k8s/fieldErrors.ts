/**
 * The API server's field error wording (k8s.io/apimachinery/pkg/util/validation/field), so a
 * diagnostic reads exactly like what `kubectl apply` prints after the field path.
 */

/** Go's %q for the strings we meet (JSON escaping is the same for printable text). */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

function renderValue(v: unknown): string {
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return 'null';
  return String(v);
}

export function invalid(value: unknown, detail: string): string {
  return `Invalid value: ${renderValue(value)}: ${detail}`;
}

export function required(detail = ''): string {
  return detail ? `Required value: ${detail}` : 'Required value';
}

export function forbidden(detail: string): string {
  return `Forbidden: ${detail}`;
}

export function notSupported(value: unknown, supported: readonly string[]): string {
  return `Unsupported value: ${renderValue(value)}: supported values: ${supported.map(goQuote).join(', ')}`;
}

export function tooLong(maxBytes: number): string {
  return `Too long: must have at most ${maxBytes} bytes`;
}
