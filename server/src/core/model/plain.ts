/** Reads a YNode as plain JSON-like data, the way kubectl's YAML-to-JSON conversion would. */
import { keyString } from '../syntax/scalar';
import type { YNode } from '../syntax/tree';

export type Plain = string | number | boolean | null | Plain[] | { [k: string]: Plain };

export function toPlain(node: YNode | undefined): Plain {
  if (!node) return null;
  if (node.kind === 'map') {
    const out: { [k: string]: Plain } = {};
    for (const e of node.entries) out[e.key] = toPlain(e.value);
    return out;
  }
  if (node.kind === 'seq') return node.items.map(toPlain);
  const v = node.value;
  return v.type === 'null' ? null : v.value;
}

export function asObject(p: Plain | undefined): { [k: string]: Plain } | undefined {
  return p && typeof p === 'object' && !Array.isArray(p) ? p : undefined;
}

export function asArray(p: Plain | undefined): Plain[] {
  return Array.isArray(p) ? p : [];
}

export function asString(p: Plain | undefined): string | undefined {
  return typeof p === 'string' ? p : undefined;
}

/** Labels as Kubernetes would store them; values that are not strings are shown as kubectl would convert keys. */
export function asLabels(p: Plain | undefined): Record<string, string> {
  const o = asObject(p);
  const out: Record<string, string> = {};
  if (!o) return out;
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === 'string') out[k] = v;
    else if (v === null) out[k] = '';
    else if (typeof v !== 'object') out[k] = keyString(typeof v === 'boolean' ? { type: 'bool', value: v } : { type: 'float', value: v });
  }
  return out;
}
