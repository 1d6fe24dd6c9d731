/**
 * Connectivity assertions written as comment lines in any YAML file (so `kubectl apply -f` on the
 * folder still works):
 *
 *   # netpol-lens expect: FROM -> TO:PORT VERDICT  # optional note
 *
 * FROM, TO: `namespace/name` (a Pod, or a workload for its pods), `name` (namespace default),
 * `ip:ADDRESS` (`ip:[IPv6]:PORT` on the destination), or a selection of pods: `namespace/*`
 * (every pod of the namespace), `namespace/key=value,key2!=v,key3,!key4` (its pods with those
 * labels), `*` as the namespace for every namespace. PORT: a number, a container port name of
 * the destination, a range `8000-8080`, or `any` (every port); `/TCP`, `/UDP`, `/SCTP` after it
 * (TCP by default; `any` without a protocol means every port of every protocol). VERDICT:
 * `allowed`, `blocked` or `partially`.
 *
 * The parser is a line scan (no YAML needed: a comment is a comment in any file), tolerant of
 * half-typed lines: whatever is missing or wrong becomes a syntax problem with the span of the
 * part at fault. Spans are offsets into the text.
 */
import type { Span } from '../../text';
import type { LabelSelector, LabelSelectorRequirement } from '../../model/types';
import { t } from '../../l10n';

export const EXPECT_MARKER = 'netpol-lens expect:';

export type Verdict = 'allowed' | 'blocked' | 'partially';
export const VERDICTS: readonly Verdict[] = ['allowed', 'blocked', 'partially'];

export type EndpointSpec =
  | { readonly kind: 'pod'; readonly namespace: string; readonly name: string }
  | { readonly kind: 'ip'; readonly address: string }
  /** namespace undefined: every namespace. */
  | { readonly kind: 'select'; readonly namespace: string | undefined; readonly selector: LabelSelector; readonly text: string };

export type PortSpec =
  | { readonly kind: 'number'; readonly port: number; readonly protocol: string }
  | { readonly kind: 'name'; readonly name: string; readonly protocol: string | undefined }
  | { readonly kind: 'range'; readonly from: number; readonly to: number; readonly protocol: string }
  /** protocol undefined: every protocol. */
  | { readonly kind: 'any'; readonly protocol: string | undefined };

export interface AssertionParts {
  readonly from: Span;
  readonly arrow?: Span;
  readonly to?: Span;
  readonly port?: Span;
  readonly verdict?: Span;
  readonly note?: Span;
}

export interface Assertion {
  /** The whole comment line (without its line break). */
  readonly line: Span;
  /** The text after the marker, from its first character. */
  readonly body: Span;
  readonly parts: AssertionParts;
  /** The assertion as written, normalised to single spaces (without the note). */
  readonly text: string;
  readonly from?: EndpointSpec;
  readonly to?: EndpointSpec;
  readonly port?: PortSpec;
  readonly verdict?: Verdict;
  readonly note?: string;
  /** The first syntax problem; the assertion is not evaluated when there is one. */
  readonly problem?: { readonly span: Span; readonly message: string };
}

const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const LINE = /^[ \t]*#[ \t]*netpol-lens expect:/;

/** Every assertion comment line of a file's text, in order. */
export function parseAssertions(text: string): Assertion[] {
  const out: Assertion[] = [];
  if (!text.includes(EXPECT_MARKER)) return out;
  let at = 0;
  while (at <= text.length) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    const lineEnd = end > at && text[end - 1] === '\r' ? end - 1 : end;
    const line = text.slice(at, lineEnd);
    const m = LINE.exec(line);
    if (m) out.push(parseLine(text, at, lineEnd, at + m[0].length));
    at = end + 1;
  }
  return out;
}

interface Token {
  readonly text: string;
  readonly span: Span;
}

function tokens(text: string, start: number, end: number): Token[] {
  const out: Token[] = [];
  const re = /\S+/g;
  const s = text.slice(start, end);
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) out.push({ text: m[0], span: { start: start + m.index, end: start + m.index + m[0].length } });
  return out;
}

/** How an assertion is written (said with each syntax problem). */
const usage = (): string => t('write FROM -> TO:PORT allowed|blocked|partially');

function parseLine(text: string, lineStart: number, lineEnd: number, bodyStart: number): Assertion {
  // A note: from the first " #" on.
  const rest = text.slice(bodyStart, lineEnd);
  const hash = rest.search(/(^|\s)#/);
  const noteAt = hash < 0 ? -1 : bodyStart + hash + (rest[hash] === '#' ? 0 : 1);
  const exprEnd = noteAt < 0 ? lineEnd : noteAt;
  const toks = tokens(text, bodyStart, exprEnd);
  const firstAt = toks[0]?.span.start ?? bodyStart;
  const noteText = noteAt < 0 ? undefined : text.slice(noteAt + 1, lineEnd).trim();
  const base = {
    line: { start: lineStart, end: lineEnd },
    body: { start: firstAt, end: lineEnd },
    text: toks.map((x) => x.text).join(' '),
    ...(noteText ? { note: noteText } : {}),
  };
  const noteSpan = noteAt < 0 ? {} : { note: { start: noteAt, end: lineEnd } };
  const fail = (parts: AssertionParts, span: Span, message: string, got: Partial<Assertion> = {}): Assertion => ({ ...base, ...got, parts: { ...parts, ...noteSpan }, problem: { span, message } });
  if (toks.length === 0) return fail({ from: { start: bodyStart, end: bodyStart } }, { start: lineStart, end: lineEnd }, t('empty assertion: {0}', usage()));
  // Accept "a->b" written without spaces around the arrow.
  const flat: Token[] = [];
  for (const tok of toks) {
    const i = tok.text.indexOf('->');
    if (i < 0 || tok.text === '->') {
      flat.push(tok);
      continue;
    }
    const s = tok.span.start;
    if (i > 0) flat.push({ text: tok.text.slice(0, i), span: { start: s, end: s + i } });
    flat.push({ text: '->', span: { start: s + i, end: s + i + 2 } });
    if (i + 2 < tok.text.length) flat.push({ text: tok.text.slice(i + 2), span: { start: s + i + 2, end: tok.span.end } });
  }
  const [fromTok, arrowTok, toTok, verdictTok, ...extra] = flat;
  const parts: { from: Span; arrow?: Span; to?: Span; port?: Span; verdict?: Span } = { from: fromTok.span };
  if (fromTok.text === '->') return fail({ from: { start: fromTok.span.start, end: fromTok.span.start } }, fromTok.span, t('the source is missing before "->": {0}', usage()));
  const from = parseEndpoint(fromTok.text);
  if ('error' in from) return fail(parts, fromTok.span, from.error);
  if (!arrowTok) return fail(parts, fromTok.span, t('"->" and the destination are missing: {0}', usage()), { from: from.spec });
  parts.arrow = arrowTok.span;
  if (arrowTok.text !== '->') return fail(parts, arrowTok.span, t('expected "->" after the source, not {0}', JSON.stringify(arrowTok.text)), { from: from.spec });
  if (!toTok) return fail(parts, arrowTok.span, t('the destination is missing after "->": {0}', usage()), { from: from.spec });
  const dest = splitPort(toTok);
  parts.to = dest.endpoint.span;
  if (dest.port) parts.port = dest.port.span;
  const to = parseEndpoint(dest.endpoint.text);
  if ('error' in to) return fail(parts, dest.endpoint.span, to.error, { from: from.spec });
  if (!dest.port) return fail(parts, toTok.span, t('the port is missing: write TO:PORT (a number, a port name, a range 8000-8080, or any)'), { from: from.spec, to: to.spec });
  const port = parsePort(dest.port.text);
  if ('error' in port) return fail(parts, dest.port.span, port.error, { from: from.spec, to: to.spec });
  if (!verdictTok) return fail(parts, toTok.span, t('the expected outcome is missing: allowed, blocked or partially'), { from: from.spec, to: to.spec, port: port.spec });
  parts.verdict = verdictTok.span;
  const verdict = VERDICTS.find((v) => v === verdictTok.text.toLowerCase());
  if (!verdict) return fail(parts, verdictTok.span, t('expected allowed, blocked or partially, not {0}', JSON.stringify(verdictTok.text)), { from: from.spec, to: to.spec, port: port.spec });
  if (extra.length) return fail(parts, { start: extra[0].span.start, end: extra[extra.length - 1].span.end }, t('unexpected text after the outcome (a note starts with #)'), { from: from.spec, to: to.spec, port: port.spec, verdict });
  return { ...base, parts: { ...parts, ...noteSpan }, from: from.spec, to: to.spec, port: port.spec, verdict };
}

/** Splits `TO:PORT`: `ip:1.2.3.4:443`, `ip:[::1]:443`, `ns/name:http`. */
function splitPort(tok: Token): { endpoint: Token; port?: Token } {
  const s = tok.text;
  let colon: number;
  if (s.startsWith('ip:')) {
    if (s.startsWith('ip:[')) {
      const close = s.indexOf(']');
      colon = close < 0 ? -1 : s.indexOf(':', close);
    } else {
      const after = s.slice(3);
      // IPv6 without brackets has several colons: no port can be told apart.
      colon = (after.match(/:/g) ?? []).length === 1 ? 3 + after.indexOf(':') : -1;
    }
  } else colon = s.indexOf(':');
  if (colon < 0) return { endpoint: tok };
  const a = tok.span.start;
  return {
    endpoint: { text: s.slice(0, colon), span: { start: a, end: a + colon } },
    port: { text: s.slice(colon + 1), span: { start: a + colon + 1, end: tok.span.end } },
  };
}

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

export function parseEndpoint(s: string): { spec: EndpointSpec } | { error: string } {
  if (s.startsWith('ip:')) {
    let address = s.slice(3);
    if (address.startsWith('[') && address.endsWith(']')) address = address.slice(1, -1);
    if (!address) return { error: t('an address is missing after ip:') };
    return { spec: { kind: 'ip', address } };
  }
  const slash = s.indexOf('/');
  const ns = slash >= 0 ? s.slice(0, slash) : 'default';
  const name = slash >= 0 ? s.slice(slash + 1) : s;
  if (ns !== '*' && !NAME.test(ns)) return { error: t('{0} is not a namespace name (or * for every namespace)', JSON.stringify(ns)) };
  if (name === '*' || name.includes('=') || (slash >= 0 && /^!|,/.test(name)) || ns === '*') {
    const sel = parseSelector(name === '*' ? '' : name);
    if ('error' in sel) return sel;
    return { spec: { kind: 'select', namespace: ns === '*' ? undefined : ns, selector: sel.selector, text: s } };
  }
  if (!NAME.test(name)) return { error: t('{0} is not a Pod or workload name; write namespace/name, namespace/* or namespace/key=value', JSON.stringify(name)) };
  return { spec: { kind: 'pod', namespace: ns, name } };
}

/** kubectl's equality-based selector syntax: `k=v`, `k==v`, `k!=v`, `k` (exists), `!k` (absent), comma-separated. */
function parseSelector(s: string): { selector: LabelSelector } | { error: string } {
  const matchLabels: Record<string, string> = {};
  const matchExpressions: LabelSelectorRequirement[] = [];
  if (s === '') return { selector: {} };
  for (const part of s.split(',')) {
    const m = /^(!?)([^=!]+)(?:(==|=|!=)(.*))?$/.exec(part);
    if (!m || (m[1] && m[3])) return { error: t('{0} is not a label requirement: write key=value, key!=value, key or !key', JSON.stringify(part)) };
    const [, not, key, op, value = ''] = m;
    if (!LABEL_KEY.test(key)) return { error: t('{0} is not a label key', JSON.stringify(key)) };
    if (op && !LABEL_VALUE.test(value)) return { error: t('{0} is not a label value', JSON.stringify(value)) };
    if (!op) matchExpressions.push({ key, operator: not ? 'DoesNotExist' : 'Exists' });
    else if (op === '!=') matchExpressions.push({ key, operator: 'NotIn', values: [value] });
    else matchLabels[key] = value;
  }
  return { selector: { ...(Object.keys(matchLabels).length ? { matchLabels } : {}), ...(matchExpressions.length ? { matchExpressions } : {}) } };
}

export function parsePort(s: string): { spec: PortSpec } | { error: string } {
  const slash = s.lastIndexOf('/');
  const body = slash >= 0 ? s.slice(0, slash) : s;
  const proto = slash >= 0 ? s.slice(slash + 1).toUpperCase() : undefined;
  if (proto !== undefined && !PROTOCOLS.includes(proto)) return { error: t('protocol must be TCP, UDP or SCTP, not {0}', JSON.stringify(s.slice(slash + 1))) };
  if (body === 'any' || body === '*') return { spec: { kind: 'any', protocol: proto } };
  const num = (x: string) => (/^[0-9]+$/.test(x) ? Number(x) : NaN);
  const range = /^([0-9]+)-([0-9]+)$/.exec(body);
  if (range) {
    const a = num(range[1]);
    const b = num(range[2]);
    if (a < 1 || b > 65535 || a > b) return { error: t('{0} is not a port range within 1-65535', JSON.stringify(body)) };
    return { spec: { kind: 'range', from: a, to: b, protocol: proto ?? 'TCP' } };
  }
  if (/^[0-9]+$/.test(body)) {
    const n = num(body);
    if (n < 1 || n > 65535) return { error: t('port {0} is out of range 1-65535', body) };
    return { spec: { kind: 'number', port: n, protocol: proto ?? 'TCP' } };
  }
  if (/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(body) && body.length <= 15 && /[a-z]/.test(body)) return { spec: { kind: 'name', name: body, protocol: proto } };
  return { error: t('{0} is not a port: write a number, a port name, a range 8000-8080, or any', JSON.stringify(body)) };
}

export function formatPortSpec(p: PortSpec): string {
  switch (p.kind) {
    case 'number': return `${p.port}/${p.protocol}`;
    case 'name': return p.protocol ? `${p.name}/${p.protocol}` : p.name;
    case 'range': return `${p.from}-${p.to}/${p.protocol}`;
    default: return p.protocol ? `any/${p.protocol}` : 'any';
  }
}
