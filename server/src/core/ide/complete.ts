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
 */
import { t } from '../l10n';
import { resolveSchema, rootSchema } from '../model/decode';
import type { Schema } from '../model/decode';
import type { LabelSelector } from '../model/types';
import type { ContainerPort, PodInfo } from '../model/inventory';
import { namespaceLabels, World } from '../semantics/evaluate';
import { matchesSelector } from '../semantics/selector';
import { resolvePlain } from '../syntax/scalar';
import { detectYamlStyle } from './insert';
import type { YamlStyle } from './templates';

export type CompletionEntryKind = 'field' | 'enum' | 'labelKey' | 'labelValue' | 'namespace' | 'port';

export interface CompletionEntry {
  readonly label: string;
  readonly kind: CompletionEntryKind;
  /** One line next to the label (the type of a field, the pods that define a port, …). */
  readonly detail?: string;
  /** Markdown. */
  readonly documentation?: string;
  /** The text replaced: [start, end) (the word or value being typed). */
  readonly start: number;
  readonly end: number;
  readonly newText: string;
  /** newText is a snippet (`$0` marks the cursor); its lines carry absolute indentation. */
  readonly snippet: boolean;
  readonly sortText: string;
  readonly filterText?: string;
  /** Something more can be completed right after inserting (a value after `key: `). */
  readonly retrigger?: boolean;
}

export interface CompleteOptions {
  /** The workspace, asked for only where labels, namespaces or ports are wanted. */
  readonly world?: () => World | undefined;
  /** The character that triggered the request: for ' ' only right after `key:` or `-` anything is offered. */
  readonly triggerCharacter?: string;
}


// --- lines and tokens -------------------------------------------------------------------------

interface Line {
  readonly start: number;
  readonly text: string;
}

interface Tok {
  readonly kind: 'root' | 'dash' | 'key' | 'scalar';
  readonly col: number;
  readonly line: number;
  /** The key, unquoted. */
  readonly key?: string;
  /** Column after the key as written. */
  readonly keyEnd?: number;
  /** The value as written after `key:` (or the scalar item), comment stripped, trimmed; '' for none. */
  readonly value?: string;
  readonly valueCol?: number;
  parent?: Tok;
  readonly children: Tok[];
  cursor?: boolean;
}

const MARKER = /^(?:---|\.\.\.)(?:[ \t]|$)/;
const KEY = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#"'[\]{},|>!&*%@`][^]*?)[ \t]*:(?=[ \t]|$)/;

function stripComment(s: string): string {
  let i = 0;
  if (s[0] === '"' || s[0] === "'") {
    const q = s[0];
    i = 1;
    while (i < s.length) {
      if (q === '"' && s[i] === '\\') i += 2;
      else if (s[i] === q) {
        if (q === "'" && s[i + 1] === "'") i += 2;
        else break;
      } else i++;
    }
  }
  const m = /(^|[ \t])#/.exec(s.slice(i));
  return (m ? s.slice(0, i + m.index) : s).trim();
}

/** A scalar as written (plain, single- or double-quoted) → its text. */
export function unquote(s: string): string {
  if (s.length >= 2 && s[0] === '"' && s.endsWith('"')) {
    try {
      return JSON.parse(s) as string;
    } catch {
      return s.slice(1, -1);
    }
  }
  if (s.length >= 2 && s[0] === "'" && s.endsWith("'")) return s.slice(1, -1).replace(/''/g, "'");
  return s;
}

function tokenize(s: string, line: number): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (s[i] === ' ') i++;
  if (i >= s.length || s[i] === '#' || s[i] === '\t') return toks;
  while (s[i] === '-' && (i + 1 === s.length || s[i + 1] === ' ' || s[i + 1] === '\t')) {
    toks.push({ kind: 'dash', col: i, line, children: [] });
    i++;
    while (s[i] === ' ' || s[i] === '\t') i++;
  }
  if (i >= s.length || s[i] === '#') return toks;
  const rest = s.slice(i);
  const m = KEY.exec(rest);
  if (m) {
    let valueCol = i + m[0].length;
    while (s[valueCol] === ' ' || s[valueCol] === '\t') valueCol++;
    toks.push({ kind: 'key', col: i, line, key: unquote(m[1]), keyEnd: i + m[1].length, value: stripComment(s.slice(valueCol)), valueCol, children: [] });
  } else toks.push({ kind: 'scalar', col: i, line, value: stripComment(rest), valueCol: i, children: [] });
  return toks;
}

/** The lines of the YAML document around `offset` and the index of the cursor's line among them. */
function documentLines(text: string, offset: number): { lines: Line[]; cursor: number; start: number; end: number } | undefined {
  const lineStart = offset > 0 ? text.lastIndexOf('\n', offset - 1) + 1 : 0;
  const read = (start: number): Line => {
    const nl = text.indexOf('\n', start);
    let end = nl < 0 ? text.length : nl;
    if (end > start && text.charCodeAt(end - 1) === 13) end--;
    if (start === 0 && text.charCodeAt(0) === 0xfeff) return { start: 1, text: text.slice(1, end) };
    return { start, text: text.slice(start, end) };
  };
  const cur = read(lineStart);
  if (MARKER.test(cur.text) || cur.text.startsWith('%')) return undefined;
  const before: Line[] = [];
  let pos = lineStart;
  while (pos > 0) {
    const prev = pos >= 2 ? text.lastIndexOf('\n', pos - 2) + 1 : 0;
    const l = read(prev);
    if (MARKER.test(l.text)) break;
    before.push(l);
    pos = prev;
  }
  const start = pos;
  before.reverse();
  const after: Line[] = [];
  let next = text.indexOf('\n', lineStart);
  let end = text.length;
  while (next >= 0 && next + 1 <= text.length) {
    const l = read(next + 1);
    if (MARKER.test(l.text)) {
      end = next + 1;
      break;
    }
    after.push(l);
    next = text.indexOf('\n', next + 1);
  }
  return { lines: [...before, cur, ...after], cursor: before.length, start, end };
}

/** Builds the indentation tree; the cursor line's tokens are given. */
function buildTree(lines: readonly Line[], cursorLine: number, cursorToks: Tok[]): Tok {
  const root: Tok = { kind: 'root', col: -1, line: -1, children: [] };
  const stack: Tok[] = [root];
  let block = -1;
  for (let n = 0; n < lines.length; n++) {
    const toks = n === cursorLine ? cursorToks : tokenize(lines[n].text, n);
    if (block >= 0) {
      const indent = /^ */.exec(lines[n].text)![0].length;
      if (n !== cursorLine && (indent > block || lines[n].text.trim() === '')) continue;
      block = -1;
    }
    for (const tok of toks) {
      while (stack.length > 1) {
        const top = stack[stack.length - 1];
        if (top.col > tok.col || (top.col === tok.col && !(top.kind === 'key' && tok.kind === 'dash'))) stack.pop();
        else break;
      }
      const parent = stack[stack.length - 1];
      tok.parent = parent;
      parent.children.push(tok);
      if (tok.kind === 'dash' || (tok.kind === 'key' && !tok.cursor)) stack.push(tok);
      if (tok.kind === 'key' && /^[|>][-+0-9]*$/.test(tok.value ?? '')) block = tok.col;
    }
  }
  return root;
}

function child(node: Tok | undefined, key: string): Tok | undefined {
  return node?.children.find((c) => c.kind === 'key' && c.key === key && !c.cursor);
}

function chainOf(tok: Tok): Tok[] {
  const chain: Tok[] = [];
  for (let p = tok.parent; p; p = p.parent) chain.unshift(p);
  return chain;
}

// --- schema ---------------------------------------------------------------------------------

function types(s: Schema): string[] {
  return Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
}

function isObject(s: Schema): boolean {
  return types(s).includes('object') || !!s.properties;
}

function isArray(s: Schema): boolean {
  return types(s).includes('array');
}

function fieldSchema(s: Schema, key: string): Schema | undefined {
  const p = s.properties?.[key];
  if (p) return resolveSchema(p);
  if (s.additionalProperties && typeof s.additionalProperties === 'object') return resolveSchema(s.additionalProperties);
  return undefined;
}

/** kubectl explain's type names: <string>, <Object>, <[]Object>, <map[string]string>, … */
function typeName(s: Schema): string {
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
function offered(s: Schema): boolean {
  const d = s.description ?? '';
  return d !== '' && !d.startsWith('Set by the server') && !d.startsWith('Deprecated');
}

// --- YAML scalars -------------------------------------------------------------------------------

/** The text to write for string `s` so that kubectl (YAML 1.1) and YAML 1.2 both read a string. */
export function yamlString(s: string): string {
  if (/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(s) && resolvePlain(s).type === 'string' && !/^(?:y|n|yes|no|on|off|true|false|null)$/i.test(s)) return s;
  return JSON.stringify(s);
}

// --- the workspace --------------------------------------------------------------------------

interface Subject {
  readonly title: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** Labels every controller stamps on its pods: offered last. */
const GENERATED_LABELS = new Set(['pod-template-hash', 'controller-revision-hash', 'statefulset.kubernetes.io/pod-name', 'batch.kubernetes.io/controller-uid', 'controller-uid', 'batch.kubernetes.io/job-name', 'job-name', 'pod-template-generation', 'apps.kubernetes.io/pod-index']);

function summary(titles: readonly string[], max = 3): string {
  const shown = titles.slice(0, max).join(', ');
  return titles.length > max ? t('{0} and {1} more', shown, titles.length - max) : shown;
}

function podTitle(p: PodInfo): string {
  return `${p.namespace}/${p.name}${p.kind === 'Pod' ? '' : ` (${p.kind})`}`;
}

/** Reads a label selector written under `node` (block or flow style), as far as it is written. */
function selectorOf(node: Tok | undefined): LabelSelector | undefined {
  if (!node) return undefined;
  const flow = (v: string): Record<string, string> | undefined => {
    const m = /^\{(.*)\}$/.exec(v.trim());
    if (!m) return undefined;
    const out: Record<string, string> = {};
    for (const part of m[1].split(',')) {
      const kv = /^\s*("[^"]*"|'[^']*'|[^:]+?)\s*:\s*(.*?)\s*$/.exec(part);
      if (kv) out[unquote(kv[1])] = unquote(kv[2]);
    }
    return out;
  };
  const list = (n: Tok | undefined): string[] => {
    if (!n) return [];
    const v = n.value ?? '';
    const m = /^\[(.*)\]$/.exec(v);
    if (m) return m[1].split(',').map((x) => unquote(x.trim())).filter((x) => x !== '');
    return n.children.filter((c) => c.kind === 'dash').flatMap((d) => d.children.filter((c) => c.kind === 'scalar' && !c.cursor).map((c) => unquote(c.value ?? '')));
  };
  const value = node.value ?? '';
  if (value.startsWith('{')) {
    if (/^\{\s*\}$/.test(value)) return {};
    const inner = /^\{\s*matchLabels\s*:\s*(\{[^}]*\})\s*\}$/.exec(value);
    return inner ? { matchLabels: flow(inner[1]) } : undefined;
  }
  const sel: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values: string[] }[] } = {};
  const ml = child(node, 'matchLabels');
  if (ml) {
    const f = ml.value ? flow(ml.value) : undefined;
    sel.matchLabels = f ?? {};
    if (!f) for (const c of ml.children) if (c.kind === 'key' && !c.cursor && c.value) sel.matchLabels[c.key!] = unquote(c.value);
  }
  const me = child(node, 'matchExpressions');
  if (me) {
    sel.matchExpressions = [];
    for (const d of me.children) {
      if (d.kind !== 'dash') continue;
      const key = unquote(child(d, 'key')?.value ?? '');
      const operator = unquote(child(d, 'operator')?.value ?? '');
      if (key && operator) sel.matchExpressions.push({ key, operator, values: list(child(d, 'values')) });
    }
  }
  return sel as LabelSelector;
}

/** The pods a peer (podSelector/namespaceSelector written under `peer`) selects, for a policy in `ns`. */
function peerPods(world: World, peer: Tok, ns: string): PodInfo[] | undefined {
  const podSel = child(peer, 'podSelector');
  const nsSel = child(peer, 'namespaceSelector');
  if (!podSel && !nsSel) return undefined;
  const namespaces = peerNamespaces(world, peer, ns);
  const sel = podSel ? selectorOf(podSel) ?? {} : {};
  return world.pods.filter((p) => namespaces.has(p.namespace) && matchesSelector(sel, p.labels));
}

function peerNamespaces(world: World, peer: Tok, ns: string): Set<string> {
  const nsSel = child(peer, 'namespaceSelector');
  if (!nsSel) return new Set([ns]);
  const sel = selectorOf(nsSel) ?? {};
  return new Set([...world.namespaces.keys()].filter((n) => matchesSelector(sel, namespaceLabels(world, n))));
}

// --- completion -----------------------------------------------------------------------------

interface Site {
  readonly text: string;
  readonly doc: { start: number; end: number };
  readonly lines: readonly Line[];
  readonly cursorLine: number;
  /** The policy object (the document's root, or a List item). */
  readonly policy: Tok;
  /** Path from the policy object to the cursor token's parent: keys, and '[]' for items. */
  readonly path: string;
  readonly chain: readonly Tok[];
  readonly tok: Tok;
  readonly world: () => World | undefined;
  style?: YamlStyle;
}

function pathOf(chain: readonly Tok[]): string {
  let p = '';
  for (const n of chain) {
    if (n.kind === 'key') p += (p ? '.' : '') + n.key;
    else if (n.kind === 'dash') p += '[]';
  }
  return p;
}

function styleOf(site: Site): YamlStyle {
  site.style ??= detectYamlStyle(site.text.slice(Math.max(0, site.doc.start - 16384), site.doc.end));
  return site.style;
}

function policyNamespace(site: Site): string {
  const ns = child(child(site.policy, 'metadata'), 'namespace')?.value;
  return ns ? unquote(ns) || 'default' : 'default';
}

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

function pad(i: number): string {
  return String(i).padStart(3, '0');
}

function escapeSnippet(s: string): string {
  return s.replace(/[\\$}]/g, '\\$&');
}

/** Field names of `schema` not yet in `siblings`. */
function fieldItems(site: Site, schema: Schema, siblings: readonly Tok[], start: number, end: number, col: number, prefix: string, hasColon: boolean): CompletionEntry[] {
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

function hasValueCompletions(key: string): boolean {
  return ['apiVersion', 'kind', 'namespace', 'protocol', 'port', 'operator', 'key'].includes(key);
}

function scalarItem(label: string, kind: CompletionEntryKind, start: number, end: number, typed: string, prefix: string, i: number, detail?: string, documentation?: string, quote = true): CompletionEntry {
  const v = quote ? yamlString(label) : label;
  const q = typed[0] === '"' || typed[0] === "'" ? typed[0] : '';
  const newText = prefix + (q && v === label ? q + label + q : v);
  return { label, kind, detail, documentation, start, end, newText, snippet: false, sortText: `0${pad(i)}`, filterText: q ? q + label : prefix ? prefix + label : label };
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

function podsKnown(n: number): string {
  return n === 1 ? t('1 pod known') : t('{0} pods known', n);
}

function namespaceItems(site: Site, start: number, end: number, typed: string, prefix: string): CompletionEntry[] {
  const world = site.world();
  if (!world) return [];
  const counts = new Map<string, number>();
  for (const p of world.pods) counts.set(p.namespace, (counts.get(p.namespace) ?? 0) + 1);
  return [...world.namespaces.values()]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((ns, i) =>
      scalarItem(ns.name, 'namespace', start, end, typed, prefix, i, podsKnown(counts.get(ns.name) ?? 0) + (ns.source ? '' : t(' (no Namespace manifest)'))),
    );
}

/** The subjects whose labels a selector at `selectorPath` (…podSelector or …namespaceSelector) selects among. */
function subjects(site: Site, which: string): { subjects: Subject[]; what: 'pods' | 'namespaces' } | undefined {
  const world = site.world();
  if (!world) return undefined;
  let selIndex = -1;
  site.chain.forEach((n, i) => {
    if (n.kind === 'key' && n.key === which) selIndex = i;
  });
  let out: { subjects: Subject[]; what: 'pods' | 'namespaces' };
  if (which === 'namespaceSelector') {
    out = { what: 'namespaces', subjects: [...world.namespaces.keys()].sort().map((n) => ({ title: n, labels: namespaceLabels(world, n) })) };
  } else {
    const ns = policyNamespace(site);
    // The peer holding the selector: the dash item under from/to.
    const peer = selIndex > 0 ? site.chain[selIndex - 1] : undefined;
    let pods: readonly PodInfo[];
    if (peer && peer.kind === 'dash') {
      const namespaces = peerNamespaces(world, peer, ns);
      pods = world.pods.filter((p) => namespaces.has(p.namespace));
    } else pods = world.pods.filter((p) => p.namespace === ns);
    if (pods.length === 0) pods = world.pods;
    out = { what: 'pods', subjects: pods.map((p) => ({ title: podTitle(p), labels: p.labels })) };
  }
  // Those matching the other matchLabels entries already written (when any do).
  const written = selIndex >= 0 ? selectorOf(site.chain[selIndex])?.matchLabels : undefined;
  if (written && Object.keys(written).length) {
    const narrowed = out.subjects.filter((sub) => matchesSelector({ matchLabels: written }, sub.labels));
    if (narrowed.length) out = { ...out, subjects: narrowed };
  }
  return out;
}

/** Label keys at a matchLabels key position. */
function labelKeyItems(site: Site, parent: Tok, start: number, end: number, hasColon: boolean): CompletionEntry[] {
  const which = /(podSelector|namespaceSelector)\.matchLabels$/.exec(site.path)?.[1];
  if (!which) return [];
  const present = new Set(parent.children.filter((x) => x.kind === 'key' && !x.cursor).map((x) => x.key!));
  const line = site.lines[site.cursorLine];
  const existingColon = hasColon && line.text.slice(end - line.start).trimStart().startsWith(':');
  return labelKeyEntries(site, which, present, start, end, '', '', !existingColon);
}

function labelKeyEntries(site: Site, which: string, present: ReadonlySet<string>, start: number, end: number, typed: string, prefix: string, asKey: boolean): CompletionEntry[] {
  const s = subjects(site, which);
  if (!s) return [];
  const keys = new Map<string, { values: Set<string>; titles: string[] }>();
  for (const sub of s.subjects) {
    for (const [k, v] of Object.entries(sub.labels)) {
      if (present.has(k)) continue;
      let e = keys.get(k);
      if (!e) keys.set(k, (e = { values: new Set(), titles: [] }));
      e.values.add(v);
      e.titles.push(sub.title);
    }
  }
  const sorted = [...keys.entries()].sort((a, b) => Number(GENERATED_LABELS.has(a[0])) - Number(GENERATED_LABELS.has(b[0])) || b[1].titles.length - a[1].titles.length || a[0].localeCompare(b[0]));
  return sorted.map(([k, e], i) => {
    const detail = s.what === 'pods' ? t('label of pods: {0}', summary(e.titles)) : t('label of namespaces: {0}', summary(e.titles));
    const doc = t('Values: {0}', [...e.values].sort().map((v) => `\`${v}\``).join(', '));
    if (!asKey) return scalarItem(k, 'labelKey', start, end, typed, prefix, i, detail, doc);
    const entry = scalarItem(k, 'labelKey', start, end, '', '', i, detail, doc);
    return { ...entry, newText: `${entry.newText}: `, retrigger: true };
  });
}

function labelValueItems(site: Site, which: string, key: string, start: number, end: number, typed: string, prefix: string, listed: ReadonlySet<string> = new Set()): CompletionEntry[] {
  const s = subjects(site, which);
  if (!s) return [];
  const values = new Map<string, string[]>();
  for (const sub of s.subjects) {
    if (!Object.prototype.hasOwnProperty.call(sub.labels, key)) continue;
    const v = sub.labels[key];
    if (listed.has(v)) continue;
    const list = values.get(v);
    if (list) list.push(sub.title);
    else values.set(v, [sub.title]);
  }
  return [...values.entries()]
    .sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))
    .map(([v, titles], i) => scalarItem(v, 'labelValue', start, end, typed, prefix, i, s.what === 'pods' ? t('pods: {0}', summary(titles)) : t('namespaces: {0}', summary(titles))));
}

/** Ports of the destination pods: the pods the policy selects (ingress) or the rule's `to` peers select (egress). */
function portItems(site: Site, direction: 'ingress' | 'egress', portItem: Tok, start: number, end: number, typed: string, prefix: string): CompletionEntry[] {
  const world = site.world();
  if (!world) return [];
  const ns = policyNamespace(site);
  let pods: PodInfo[] = [];
  if (direction === 'ingress') {
    const sel = selectorOf(child(child(site.policy, 'spec'), 'podSelector')) ?? {};
    pods = world.pods.filter((p) => p.namespace === ns && matchesSelector(sel, p.labels));
  } else {
    // portItem is the `- ` of ports; its parent the `ports` key; its parent the rule's `- `.
    const rule = portItem.parent?.parent;
    const to = child(rule, 'to');
    const peers = to ? to.children.filter((d) => d.kind === 'dash') : [];
    if (peers.length === 0) pods = [...world.pods];
    else {
      const seen = new Set<PodInfo>();
      for (const peer of peers) for (const p of peerPods(world, peer, ns) ?? []) seen.add(p);
      pods = [...seen];
    }
  }
  const protocol = unquote(child(portItem, 'protocol')?.value ?? '');
  const named = new Map<string, string[]>();
  const numbers = new Map<number, string[]>();
  const add = <K>(m: Map<K, string[]>, k: K, v: string) => {
    const l = m.get(k);
    if (l) {
      if (!l.includes(v)) l.push(v);
    } else m.set(k, [v]);
  };
  for (const p of pods) {
    for (const cp of p.ports as readonly ContainerPort[]) {
      if (protocol && cp.protocol !== protocol) continue;
      if (cp.name) add(named, cp.name, t('{0} on {1}', `${cp.port}/${cp.protocol}`, podTitle(p)));
      add(numbers, cp.port, t('{0} on {1}', `${cp.port}/${cp.protocol}${cp.name ? ` (${cp.name})` : ''}`, podTitle(p)));
    }
  }
  const out: CompletionEntry[] = [];
  let i = 0;
  for (const [name, where] of [...named.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    out.push(scalarItem(name, 'port', start, end, typed, prefix, i++, t('named port: {0}', summary(where)), t('Named port `{0}`, resolved on each destination pod: {1}', name, where.join('; '))));
  }
  for (const [n, where] of [...numbers.entries()].sort((a, b) => a[0] - b[0])) {
    const e = scalarItem(String(n), 'port', start, end, '', prefix, i++, t('container port {0}', summary(where)), undefined, false);
    out.push(e);
  }
  return out;
}
