/**
 * The API server's field error wording (k8s.io/apimachinery/pkg/util/validation/field), so a
 * diagnostic reads exactly like what `kubectl apply` prints after the field path. In another
 * locale the message is translated and kubectl's exact English follows in parentheses
 * (`kubectlText`, server/l10n/README.md).
 */
import { kubectlText, Localized, tPair } from '../l10n';

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

/** `Invalid value: <value>: <detail>` as a pair (English, current locale), for messages that add to it. */
export function invalidPair(value: unknown, detail: Localized): Localized {
  return tPair('Invalid value: {0}: {1}', renderValue(value), detail);
}

export function invalid(value: unknown, detail: Localized): string {
  return kubectlText(invalidPair(value, detail));
}

/** `Invalid value:` with a value already rendered (e.g. Go's %#v of a slice). */
export function invalidRendered(rendered: string, detail: Localized): string {
  return kubectlText(tPair('Invalid value: {0}: {1}', rendered, detail));
}

export function required(detail?: Localized): string {
  return kubectlText(detail ? tPair('Required value: {0}', detail) : tPair('Required value'));
}

export function forbidden(detail: Localized): string {
  return kubectlText(tPair('Forbidden: {0}', detail));
}

export function notSupported(value: unknown, supported: readonly string[]): string {
  return kubectlText(tPair('Unsupported value: {0}: supported values: {1}', renderValue(value), supported.map(goQuote).join(', ')));
}

export function tooLong(maxBytes: number): string {
  return kubectlText(tPair('Too long: must have at most {0} bytes', maxBytes));
}
