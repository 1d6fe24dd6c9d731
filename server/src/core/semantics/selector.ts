/**
 * Label selector matching (metav1.LabelSelector). matchLabels and matchExpressions are ANDed;
 * an empty selector matches everything. Requirements:
 *   In:           the key is present and its value is one of values.
 *   NotIn:        the key is absent, or its value is none of values.
 *   Exists:       the key is present (any value).
 *   DoesNotExist: the key is absent.
 * An unknown operator makes the selector invalid; such a policy is rejected by the API server
 * and never reaches this code through the engine, but if asked we match nothing.
 */
import type { LabelSelector } from '../model/types';

export type Labels = Readonly<Record<string, string>>;

const has = (o: Labels, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

export function matchesSelector(sel: LabelSelector, labels: Labels): boolean {
  const ml = sel.matchLabels;
  if (ml) for (const k in ml) if (has(ml, k) && (!has(labels, k) || labels[k] !== ml[k])) return false;
  const exprs = sel.matchExpressions;
  if (!exprs) return true;
  for (const req of exprs) {
    const key = req?.key ?? '';
    const present = has(labels, key);
    const values = req?.values ?? [];
    switch (req?.operator) {
      case 'In':
        if (!present || !values.includes(labels[key])) return false;
        break;
      case 'NotIn':
        if (present && values.includes(labels[key])) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

export function isEmptySelector(sel: LabelSelector): boolean {
  return Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0;
}

/**
 * The selector as kubectl prints it (metav1.FormatLabelSelector): requirements sorted by key,
 * `key=value`, `key in (a,b)`, `key notin (a,b)`, `key`, `!key`; "<none>" when empty.
 */
export function formatSelector(sel: LabelSelector): string {
  const reqs: { key: string; text: string }[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) reqs.push({ key: k, text: `${k}=${v}` });
  for (const r of sel.matchExpressions ?? []) {
    const key = r?.key ?? '';
    const vals = [...new Set(r?.values ?? [])].sort().join(',');
    const text = r?.operator === 'In' ? `${key} in (${vals})` : r?.operator === 'NotIn' ? `${key} notin (${vals})` : r?.operator === 'Exists' ? key : r?.operator === 'DoesNotExist' ? `!${key}` : `${key} ${r?.operator ?? '?'} (${vals})`;
    reqs.push({ key, text });
  }
  if (reqs.length === 0) return '<none>';
  return reqs
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((r) => r.text)
    .join(',');
}
