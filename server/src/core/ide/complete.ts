/**
 * Completion while typing a NetworkPolicy: field names by position (from the schema in schemas/),
 * enum values (apiVersion, kind, protocol, operator, policyTypes), and what the workspace knows:
 * label keys and values for pod and namespace selectors, namespaces for metadata.namespace, and
 * the ports (named and numeric) of the destination pods for `port`.
 *
 * The document being typed is usually broken, so this does not parse YAML: it scans the lines of
 * the YAML document holding the cursor (between `---`/`...` markers, so the work is proportional
 * to that document, not the file) into a tree by indentation (`key:` and `- ` tokens), and walks
 * the cursor's enclosing keys through the schema. Offsets in, items with offset ranges out; the
 * editor shim converts them to positions. Never throws on any text.
 *
 * Parts: complete/scan.ts (the line scanner), complete/schema.ts (fields and enums),
 * complete/workspace.ts (labels and namespaces), complete/ports.ts (ports), complete/types.ts.
 */
import { t } from '../l10n';
import { resolveSchema, rootSchema } from '../model/decode';
import type { Schema } from '../model/decode';
import type { CompletionEntry, CompleteOptions, Site } from './complete/types';
import { pathOf } from './complete/types';
import { Tok, unquote, tokenize, documentLines, buildTree, child, chainOf } from './complete/scan';
import { isArray, isObject, fieldSchema, yamlString, fieldItems, scalarItem } from './complete/schema';
import { namespaceItems, labelKeyItems, labelKeyEntries, labelValueItems } from './complete/workspace';
import { portItems } from './complete/ports';

export type { CompletionEntry, CompletionEntryKind, CompleteOptions } from './complete/types';
export { unquote } from './complete/scan';
export { yamlString } from './complete/schema';

/** Completion items at `offset` of `text`; see the file comment. */
export function completeAt(text: string, offset: number, options: CompleteOptions = {}): CompletionEntry[] {
  try {
    // Only what the typed text could still become (a subsequence, first letter first, as editors
    // filter): editors filter further as typing goes on, and other clients get a short list.
    // An item that would write exactly what is there already (a complete value such as
    // `networking.k8s.io/v1`) is left out: offered, Enter would accept it instead of a line break.
    return complete(text, offset, options).filter((e) => fuzzy(text.slice(e.start, offset).replace(/^["']/, ''), e.label) && text.slice(e.start, e.end) !== e.newText);
  } catch {
    return [];
  }
}

function fuzzy(typed: string, label: string): boolean {
  if (!typed) return true;
  const a = typed.toLowerCase();
  const b = label.toLowerCase();
  if (a[0] !== b[0]) return false;
  let j = 1;
  for (let i = 1; i < a.length; i++) {
    j = b.indexOf(a[i], j) + 1;
    if (j === 0) return false;
  }
  return true;
}

type Mode =
  | { kind: 'key'; start: number; end: number; hasColon: boolean; col: number; dashOnLine: boolean }
  | { kind: 'value'; start: number; end: number; key: string; typed: string }
  | { kind: 'scalar'; start: number; end: number; col: number; typed: string; dashOnLine: boolean };

function complete(text: string, offset: number, options: CompleteOptions): CompletionEntry[] {
  if (!(offset >= 0 && offset <= text.length)) return [];
  const doc = documentLines(text, offset);
  if (!doc) return [];
  const line = doc.lines[doc.cursor];
  const c = offset - line.start;
  if (c < 0) return [];
  const before = line.text.slice(0, c);
  if (options.triggerCharacter === ' ' && !/(?:^|[ \t])-[ \t]$|:[ \t]$/.test(before)) return [];
  const toks = tokenize(line.text, doc.cursor);
  const keyTok = toks.find((x) => x.kind === 'key');
  const scalarTok = toks.find((x) => x.kind === 'scalar');
  const dashes = toks.filter((x) => x.kind === 'dash' && x.col < c);
  const lineToks: Tok[] = [...dashes];
  let mode: Mode;
  let tok: Tok;
  if (keyTok && c >= keyTok.col && c <= keyTok.keyEnd!) {
    tok = { ...keyTok, cursor: true, children: [] };
    mode = { kind: 'key', start: line.start + keyTok.col, end: line.start + keyTok.keyEnd!, hasColon: true, col: keyTok.col, dashOnLine: dashes.length > 0 };
  } else if (keyTok && c > keyTok.keyEnd!) {
    if (before.slice(keyTok.keyEnd!).indexOf(':') < 0) return [];
    const v = keyTok.value ?? '';
    if (/^[[{&*!|>]/.test(v)) return [];
    const vStart = Math.min(c, keyTok.valueCol!);
    const vEnd = Math.max(c, keyTok.valueCol! + v.length);
    if (/[ \t]#/.test(line.text.slice(keyTok.valueCol!, c))) return [];
    tok = { ...keyTok, cursor: true, children: [] };
    mode = { kind: 'value', start: line.start + vStart, end: line.start + vEnd, key: keyTok.key!, typed: line.text.slice(vStart, c) };
  } else if (scalarTok && c >= scalarTok.col) {
    const v = scalarTok.value ?? '';
    if (c > scalarTok.col + v.length || /^[[{&*!|>#]/.test(v)) return [];
    tok = { ...scalarTok, cursor: true, children: [] };
    mode = { kind: 'scalar', start: line.start + scalarTok.col, end: line.start + scalarTok.col + v.length, col: scalarTok.col, typed: line.text.slice(scalarTok.col, c), dashOnLine: dashes.length > 0 };
  } else if (!keyTok && !scalarTok && /^[ \t-]*$/.test(before) && (dashes.length === toks.length)) {
    if (/-$/.test(before)) return [];
    tok = { kind: 'scalar', col: c, line: doc.cursor, value: '', children: [], cursor: true };
    mode = { kind: 'scalar', start: offset, end: offset, col: c, typed: '', dashOnLine: dashes.length > 0 };
  } else return [];
  lineToks.push(tok);
  const root = buildTree(doc.lines, doc.cursor, lineToks);
  let chain = chainOf(tok);
  // The object: the document, or an item of a kind: List.
  let policy = root;
  const rootKind = unquote(child(root, 'kind')?.value ?? '');
  if (rootKind === 'List' || rootKind === 'NetworkPolicyList') {
    if (chain.length < 3 || chain[1].key !== 'items' || chain[2].kind !== 'dash') return [];
    policy = chain[2];
    chain = chain.slice(2);
  }
  const kind = child(policy, 'kind')?.value;
  if (kind !== undefined && unquote(kind) !== 'NetworkPolicy' && unquote(kind) !== '') return [];
  if (kind === undefined) {
    const api = unquote(child(policy, 'apiVersion')?.value ?? '');
    if (api && !api.startsWith('networking.k8s.io/') && api !== 'extensions/v1beta1') return [];
    const known = rootSchema().properties ?? {};
    if (policy.children.some((x) => !x.cursor && (x.kind !== 'key' || !(x.key! in known)))) return [];
  }
  // The schema of the cursor token's parent.
  let schema: Schema | undefined = rootSchema() as Schema;
  for (const n of chain.slice(1)) {
    if (!schema) return [];
    if (n.kind === 'key') schema = fieldSchema(schema, n.key!);
    else if (n.kind === 'dash') schema = isArray(schema) ? resolveSchema(schema.items ?? {}) : undefined;
  }
  if (!schema) return [];
  const site: Site = { text, doc, lines: doc.lines, cursorLine: doc.cursor, policy, path: pathOf(chain.slice(1)), chain, tok, world: options.world ?? (() => undefined) };
  const parent = chain[chain.length - 1];
  switch (mode.kind) {
    case 'key':
    case 'scalar': {
      if (isArray(schema)) {
        // Under an array's key without `- ` yet: the item's fields (or values), with the dash.
        const items = resolveSchema(schema.items ?? {});
        const col = mode.col + 2;
        if (isObject(items) && items.properties) return fieldItems(site, items, [], mode.start, mode.end, col, '- ', mode.kind === 'key');
        return valueItems(site, site.path, undefined, items, parent, mode.start, mode.end, mode.kind === 'scalar' ? mode.typed : '', '- ');
      }
      if (mode.kind === 'scalar' && parent.kind === 'dash' && !isObject(schema)) {
        // `- Ingr` in a list of scalars.
        return valueItems(site, site.path.replace(/\[\]$/, ''), undefined, schema, parent.parent!, mode.start, mode.end, mode.typed, '');
      }
      if (schema.properties) return fieldItems(site, schema, parent.children.filter((x) => x !== tok), mode.start, mode.end, mode.col, '', mode.kind === 'key');
      if (schema.additionalProperties) return labelKeyItems(site, parent, mode.start, mode.end, mode.kind === 'key');
      return [];
    }
    case 'value': {
      const f = fieldSchema(schema, mode.key);
      if (!f) return [];
      const lead = text[mode.start - 1] === ':' ? ' ' : '';
      return valueItems(site, site.path, mode.key, f, parent, mode.start, mode.end, mode.typed, lead);
    }
  }
}


/**
 * Values for a scalar: the value of field `key` of the object at path `container`, or (no key) an
 * item of the list of scalars at `container`. `parent` is that object's or list's node.
 */
function valueItems(site: Site, container: string, key: string | undefined, f: Schema, parent: Tok, start: number, end: number, typed: string, prefix: string): CompletionEntry[] {
  const listed = (list: Tok | undefined): Set<string> =>
    new Set((list?.children ?? []).filter((d) => d.kind === 'dash').flatMap((d) => d.children.filter((x) => x.kind === 'scalar' && !x.cursor).map((x) => unquote(x.value ?? ''))));
  // Enums (policyTypes: the ones not listed yet).
  if (f.enum) {
    const skip = key === undefined ? listed(parent) : new Set<string>();
    return f.enum.filter((v) => !skip.has(v)).map((v, i) => scalarItem(v, 'enum', start, end, typed, prefix, i, f.description));
  }
  if (container === 'metadata' && key === 'namespace') return namespaceItems(site, start, end, typed, prefix);
  let m = /(podSelector|namespaceSelector)\.matchLabels$/.exec(container);
  if (m && key !== undefined) return labelValueItems(site, m[1], key, start, end, typed, prefix);
  m = /(podSelector|namespaceSelector)\.matchExpressions\[\]$/.exec(container);
  if (m && key === 'key') return labelKeyEntries(site, m[1], new Set(), start, end, typed, prefix, false);
  m = /(podSelector|namespaceSelector)\.matchExpressions\[\]\.values$/.exec(container);
  if (m && key === undefined) {
    const labelKey = unquote(child(parent.parent, 'key')?.value ?? '');
    return labelKey ? labelValueItems(site, m[1], labelKey, start, end, typed, prefix, listed(parent)) : [];
  }
  m = /^spec\.(ingress|egress)\[\]\.ports\[\]$/.exec(container);
  if (m && key === 'port') return portItems(site, m[1] as 'ingress' | 'egress', parent, start, end, typed, prefix);
  return [];
}

