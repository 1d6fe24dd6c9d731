/** Completion from the schema: field names by position (with indentation and `- `), enum values, YAML-safe scalars. */
import { resolveSchema } from '../../model/decode';
import type { Schema } from '../../model/decode';
import { resolvePlain } from '../../syntax/scalar';
import type { CompletionEntry, CompletionEntryKind, Site } from './types';
import { styleOf } from './types';
import type { Tok } from './scan';

// --- schema ---------------------------------------------------------------------------------

export function types(s: Schema): string[] {
  return Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
}

export function isObject(s: Schema): boolean {
  return types(s).includes('object') || !!s.properties;
}

export function isArray(s: Schema): boolean {
  return types(s).includes('array');
}

export function fieldSchema(s: Schema, key: string): Schema | undefined {
  const p = s.properties?.[key];
  if (p) return resolveSchema(p);
  if (s.additionalProperties && typeof s.additionalProperties === 'object') return resolveSchema(s.additionalProperties);
  return undefined;
}

/** kubectl explain's type names: <string>, <Object>, <[]Object>, <map[string]string>, … */
export function typeName(s: Schema): string {
  if (s['x-kubernetes-int-or-string']) return '<IntOrString>';
  if (isArray(s)) {
    const it = resolveSchema(s.items ?? {});
    return isObject(it) ? '<[]Object>' : `<[]${types(it)[0] ?? 'string'}>`;
  }
  if (s.additionalProperties && typeof s.additionalProperties === 'object') return '<map[string]string>';
  if (isObject(s)) return '<Object>';
  return `<${types(s).filter((x) => x !== 'null')[0] ?? 'string'}>`;
}

/** Fields the server sets (or that nobody writes by hand) are not offered. */
export function offered(s: Schema): boolean {
  const d = s.description ?? '';
  return d !== '' && !d.startsWith('Set by the server') && !d.startsWith('Deprecated');
}

// --- YAML scalars -------------------------------------------------------------------------------

/** The text to write for string `s` so that kubectl (YAML 1.1) and YAML 1.2 both read a string. */
export function yamlString(s: string): string {
  if (/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(s) && resolvePlain(s).type === 'string' && !/^(?:y|n|yes|no|on|off|true|false|null)$/i.test(s)) return s;
  return JSON.stringify(s);
}

export function pad(i: number): string {
  return String(i).padStart(3, '0');
}

export function escapeSnippet(s: string): string {
  return s.replace(/[\\$}]/g, '\\$&');
}

/** Field names of `schema` not yet in `siblings`. */
export function fieldItems(site: Site, schema: Schema, siblings: readonly Tok[], start: number, end: number, col: number, prefix: string, hasColon: boolean): CompletionEntry[] {
  const present = new Set(siblings.filter((x) => x.kind === 'key').map((x) => x.key));
  const st = styleOf(site);
  const out: CompletionEntry[] = [];
  // An existing `key:` (the cursor on its name): the name alone.
  const existingColon = hasColon && site.lines[site.cursorLine].text.slice(end - site.lines[site.cursorLine].start).trimStart().startsWith(':');
  Object.entries(schema.properties ?? {}).forEach(([key, raw], i) => {
    if (present.has(key)) return;
    const f = resolveSchema(raw);
    if (!offered(f)) return;
    let newText: string;
    let snippet = false;
    let retrigger = false;
    const childCol = ' '.repeat(col + st.indent);
    if (existingColon) newText = key;
    else if (f.enum?.length === 1 && !isArray(f)) newText = `${key}: ${f.enum[0]}`;
    else if (isArray(f)) {
      snippet = true;
      retrigger = true;
      newText = `${escapeSnippet(key)}:${st.eol}${' '.repeat(col + st.sequenceIndent)}- $0`;
    } else if (isObject(f)) {
      snippet = true;
      retrigger = true;
      newText = `${escapeSnippet(key)}:${st.eol}${childCol}$0`;
    } else {
      newText = `${key}: `;
      retrigger = hasValueCompletions(key);
    }
    out.push({
      label: key,
      kind: 'field',
      detail: typeName(f),
      documentation: f.description,
      start,
      end,
      newText: prefix + newText,
      snippet,
      sortText: `1${pad(i)}`,
      filterText: prefix ? undefined : key,
      retrigger,
    });
  });
  return out;
}

export function hasValueCompletions(key: string): boolean {
  return ['apiVersion', 'kind', 'namespace', 'protocol', 'port', 'operator', 'key'].includes(key);
}

export function scalarItem(label: string, kind: CompletionEntryKind, start: number, end: number, typed: string, prefix: string, i: number, detail?: string, documentation?: string, quote = true): CompletionEntry {
  const v = quote ? yamlString(label) : label;
  const q = typed[0] === '"' || typed[0] === "'" ? typed[0] : '';
  const newText = prefix + (q && v === label ? q + label + q : v);
  return { label, kind, detail, documentation, start, end, newText, snippet: false, sortText: `0${pad(i)}`, filterText: q ? q + label : prefix ? prefix + label : label };
}
