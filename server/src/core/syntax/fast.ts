/**
 * A fast reader for the plain block YAML that Kubernetes manifests are almost always written in:
 * block maps and sequences (compact `- key: value` items included), single-line plain and quoted
 * scalars, `{}`/`[]` and one-line flow sequences of scalars, comments, `---` between documents,
 * LF or CRLF. It builds the same YNode tree, with the same spans, that tree.ts builds through the
 * `yaml` package's Parser and Composer, about ten times faster.
 *
 * It is an accelerator, not a second YAML implementation: the moment it meets anything outside
 * that subset — anchors, aliases, tags, block scalars, multi-line scalars, escapes, tabs, flow
 * maps with content, directives, duplicate or merge keys, odd indentation, anything the `yaml`
 * package might report as an error — it gives up (returns undefined) and the caller parses the
 * text the general way. A differential test (test/core/fast-parse.test.ts) checks that whenever
 * it answers, the answer equals the general path's, on every fixture and on mutated documents.
 */
import { Span, span } from '../text';
import { keyString, resolvePlain } from './scalar';
import type { YDocument, YEntry, YMap, YNode, YScalar, YSeq } from './tree';

/** Thrown to abandon the fast path; never escapes this module. */
class GiveUp {}
const GIVE_UP = new GiveUp();

function giveUp(): never {
  throw GIVE_UP;
}

/** Characters that make the fast path give up wherever they appear (tabs, controls, BOM, odd line breaks). */
const UNSUPPORTED_CHARS = /[\t\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff\u2028\u2029]|\r(?!\n)/;
/** Characters that cannot start a plain scalar (or start something this reader does not handle). */
const PLAIN_START_STOP = new Set(['[', ']', '{', '}', ',', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`']);
const MAX_DEPTH = 200;
const MAX_KEY_CHARS = 1000;

interface Built<N extends YNode = YNode> {
  readonly node: N;
  /** Where the `yaml` package's range[2] for the node would be: past its line's comment and line break. */
  readonly end: number;
}

const CH_SPACE = 32;
const CH_HASH = 35;
const CH_DASH = 45;
const CH_COLON = 58;

class Reader {
  /** Per line: start offset, end of its content (before \r\n or \n), start of the next line. */
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  readonly nexts: number[] = [];
  /** Per line: columns of leading spaces; -1 for blank and comment-only lines. */
  readonly indents: number[] = [];
  /** Per line: the column of a comment-only line's `#`; -1 for other lines. */
  readonly commentCols: number[] = [];

  constructor(readonly text: string) {
    let p = 0;
    const n = text.length;
    while (p < n) {
      let e = text.indexOf('\n', p);
      const next = e < 0 ? n : e + 1;
      if (e < 0) e = n;
      const end = e > p && text.charCodeAt(e - 1) === 13 ? e - 1 : e;
      this.starts.push(p);
      this.ends.push(end);
      this.nexts.push(next);
      let i = p;
      while (i < end && text.charCodeAt(i) === CH_SPACE) i++;
      const comment = i < end && text.charCodeAt(i) === CH_HASH;
      this.indents.push(i === end || comment ? -1 : i - p);
      this.commentCols.push(comment ? i - p : -1);
      p = next;
    }
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** Whether line `l` is a document marker (`---` alone or followed by a comment), giving up on other markers. */
  isMarker(l: number): boolean {
    const t = this.text;
    const s = this.starts[l];
    const c = t.charCodeAt(s);
    if (c === CH_DASH && t.startsWith('---', s)) {
      const after = s + 3;
      if (after === this.ends[l]) return true;
      if (t.charCodeAt(after) !== CH_SPACE) return false;
      const rest = t.slice(after, this.ends[l]).trimStart();
      if (rest === '' || rest[0] === '#') return true;
      giveUp(); // content on the marker line
    }
    if (c === 46 /* . */ && t.startsWith('...', s) && (s + 3 === this.ends[l] || t.charCodeAt(s + 3) === CH_SPACE)) giveUp();
    if (c === 37 /* % */ && this.indents[l] === 0) giveUp(); // a directive
    return false;
  }

  /**
   * Gives up if a comment line between `from` and the next content line is indented at or deeper
   * than `col` (deeper, for a document's root): after a collection's last item, the yaml package stretches the collection's range over
   * such comments.
   */
  noDeeperComments(from: number, limit: number, col: number, root: boolean): void {
    // A document's root keeps the comments at its own column out; nested collections take them in.
    const min = root ? col + 1 : col;
    for (let l = from; l < limit && this.indents[l] < 0; l++) if (this.commentCols[l] >= min) giveUp();
  }

  /** The next line at or after `l`, before `limit`, with content (not blank, not a comment). */
  nextContent(l: number, limit: number): number {
    while (l < limit && this.indents[l] < 0) l++;
    return l;
  }
}

/** The first `needle` in `t` from `from`, or -1 when there is none before `end` (never searches past `end`). */
function indexBefore(t: string, needle: string, from: number, end: number): number {
  const first = needle.charCodeAt(0);
  const last = end - needle.length;
  for (let i = from; i <= last; i++) if (t.charCodeAt(i) === first && t.startsWith(needle, i)) return i;
  return -1;
}

/** Offset after spaces from `p` up to `end`. */
function skipSpaces(t: string, p: number, end: number): number {
  while (p < end && t.charCodeAt(p) === CH_SPACE) p++;
  return p;
}

/** Gives up unless only spaces and an optional comment follow `p` on the line ending at `end`. */
function expectLineEnd(t: string, p: number, end: number): void {
  const q = skipSpaces(t, p, end);
  if (q === end) return;
  if (t.charCodeAt(q) === CH_HASH && q > p) return;
  giveUp();
}

function plainScalar(text: string, start: number, end: number): YScalar {
  lastLeafEmpty = false;
  return { kind: 'scalar', span: span(start, end), value: resolvePlain(text), text, style: 'plain' };
}

function quotedScalar(text: string, start: number, end: number): YScalar {
  lastLeafEmpty = false;
  return { kind: 'scalar', span: span(start, end), value: { type: 'string', value: text }, text, style: 'quoted' };
}

/** Set by emptyScalar, cleared by every other leaf: whether the last leaf read was an empty value. */
let lastLeafEmpty = false;

function emptyScalar(at: number): YScalar {
  lastLeafEmpty = true;
  return { kind: 'scalar', span: span(at, at), value: { type: 'null' }, text: '', style: 'plain' };
}

/**
 * A quoted scalar starting at `p` (which holds the quote) on one line ending at `end`: its node
 * and the offset after the closing quote. Gives up on escapes (double quotes) and on a missing
 * closing quote (a multi-line scalar or an error).
 */
function readQuoted(t: string, p: number, end: number): { node: YScalar; after: number } {
  const q = t[p];
  if (q === '"') {
    const close = indexBefore(t, '"', p + 1, end);
    if (close < 0) giveUp();
    const body = t.slice(p + 1, close);
    if (body.includes('\\')) giveUp();
    return { node: quotedScalar(body, p, close + 1), after: close + 1 };
  }
  let out = '';
  let i = p + 1;
  for (;;) {
    const close = indexBefore(t, "'", i, end);
    if (close < 0) giveUp();
    out += t.slice(i, close);
    if (t.charCodeAt(close + 1) === 39 && close + 1 < end) {
      out += "'";
      i = close + 2;
      continue;
    }
    return { node: quotedScalar(out, p, close + 1), after: close + 1 };
  }
}

/** A plain scalar in block context from `p` to the line's end or comment; gives up on anything ambiguous. */
function readPlainBlock(t: string, p: number, end: number): YScalar {
  const c = t[p];
  if (PLAIN_START_STOP.has(c)) giveUp();
  if ((c === '-' || c === '?' || c === ':') && (p + 1 === end || t.charCodeAt(p + 1) === CH_SPACE)) giveUp();
  let e = end;
  const hash = indexBefore(t, ' #', p, end);
  if (hash >= 0) e = hash;
  while (e > p && t.charCodeAt(e - 1) === CH_SPACE) e--;
  const body = t.slice(p, e);
  // `a: b` inside a value (a nested compact map: an error) or a trailing `:` (a key).
  if (body.includes(': ') || body.endsWith(':')) giveUp();
  return plainScalar(body, p, e);
}

/**
 * Where a key ends on the segment `[p, end)`: the offset of its `:` (followed by a space or the
 * line's end), or -1 when the segment is not a key.
 */
function findKeyColon(t: string, p: number, end: number): number {
  const c = t[p];
  if (c === '"' || c === "'") {
    const { after } = readQuoted(t, p, end);
    if (after < end && t.charCodeAt(after) === CH_COLON && (after + 1 === end || t.charCodeAt(after + 1) === CH_SPACE)) return after;
    const rest = skipSpaces(t, after, end);
    if (rest < end && t.charCodeAt(rest) === CH_COLON) giveUp(); // `"k" : v`
    return -1;
  }
  for (let i = p; i < end; i++) {
    const ch = t.charCodeAt(i);
    if (ch === CH_COLON && (i + 1 === end || t.charCodeAt(i + 1) === CH_SPACE)) return i;
    if (ch === CH_HASH && i > p && t.charCodeAt(i - 1) === CH_SPACE) return -1;
  }
  return -1;
}

class FastParser {
  private readonly r: Reader;
  private readonly t: string;
  /** Index of the line being read; lines before it are consumed. */
  private line = 0;
  /** Lines from `limit` on belong to later documents. */
  private limit = 0;

  constructor(text: string) {
    this.t = text;
    this.r = new Reader(text);
  }

  parse(): YDocument[] {
    const r = this.r;
    const docs: YDocument[] = [];
    // Split at document markers; a marker line starts a document.
    const bounds: number[] = [];
    for (let l = 0; l < r.lineCount; l++) if (r.indents[l] === 0 && r.isMarker(l)) bounds.push(l);
    const markers = new Set(bounds);
    const firstStartsWithMarker = bounds[0] === 0;
    const lineStarts = firstStartsWithMarker ? bounds : [0, ...bounds];
    for (let i = 0; i < lineStarts.length; i++) {
      const first = lineStarts[i];
      const stop = i + 1 < lineStarts.length ? lineStarts[i + 1] : r.lineCount;
      const docStart = r.starts[first];
      const docEnd = stop < r.lineCount ? r.starts[stop] : this.t.length;
      const hasMarker = markers.has(first);
      this.line = hasMarker ? first + 1 : first;
      this.limit = stop;
      const l = r.nextContent(this.line, stop);
      if (l >= stop) {
        // No content: the yaml package's empty document is hard to mirror (and rare): the general path.
        giveUp();
      }
      // Indented top-level content, and top-level scalars, are rare in manifests: the general path.
      if (r.indents[l] !== 0) giveUp();
      this.line = l;
      // Without a marker, the yaml package starts the document at its first content.
      const start = hasMarker ? docStart : r.starts[l] + r.indents[l];
      const root = this.block(r.indents[l], r.starts[l] + r.indents[l], 0, -1);
      if (r.nextContent(this.line, stop) < stop) giveUp(); // content left over: odd indentation
      // A document ending in an empty value: the yaml package's document range ends differently there.
      if (lastLeafEmpty || root.node.kind === 'scalar') giveUp();
      docs.push({ span: span(start, docEnd), root: root.node, problems: [], truncated: false });
    }
    if (!docs.length) giveUp();
    return docs;
  }

  /**
   * The block node whose first token is at offset `p` on line `this.line`, at column `col`.
   * Subsequent lines of a map or sequence must be at exactly `col`.
   */
  private block(col: number, p: number, depth: number, ownerCol: number): Built {
    if (depth > MAX_DEPTH) giveUp();
    const t = this.t;
    const end = this.r.ends[this.line];
    const c = t.charCodeAt(p);
    if (c === CH_DASH && (p + 1 === end || t.charCodeAt(p + 1) === CH_SPACE)) return this.seq(col, p, depth);
    if (findKeyColon(t, p, end) >= 0) return this.map(col, p, depth);
    // A lone scalar (or flow collection) as the node.
    const built = this.inlineValue(p, end, depth);
    this.line++;
    this.noDeeperContinuation(ownerCol);
    return built;
  }

  /**
   * The line of the next item of a collection at column `col`, or -1 where the collection ends
   * (a line indented less, the document's end). Gives up on a deeper line (odd indentation).
   */
  private nextItemLine(col: number, depth: number): number {
    const r = this.r;
    const l = r.nextContent(this.line, this.limit);
    if (l >= this.limit || r.indents[l] < col) {
      r.noDeeperComments(this.line, this.limit, col, depth === 0);
      // A collection ending in an empty value: the yaml package's ranges around it follow
      // rules this reader does not mirror.
      if (lastLeafEmpty) giveUp();
      return -1;
    }
    if (r.indents[l] > col) giveUp();
    return r.indents[l] === 0 && r.isMarker(l) ? -1 : l;
  }

  /** Gives up if the next content line is indented deeper than `col` (a continuation or an error). */
  private noDeeperContinuation(col: number): void {
    const l = this.r.nextContent(this.line, this.limit);
    if (l < this.limit && this.r.indents[l] > col) giveUp();
  }

  private map(col: number, p: number, depth: number): Built<YMap> {
    const t = this.t;
    const r = this.r;
    const entries: YEntry[] = [];
    const keys = new Set<string>();
    const start = p;
    let lastEnd = p;
    for (;;) {
      const end = r.ends[this.line];
      const colon = findKeyColon(t, p, end);
      if (colon <= p) giveUp(); // not a key, or an empty key (`: v`)
      let keyNode: YScalar;
      if (t[p] === '"' || t[p] === "'") keyNode = readQuoted(t, p, end).node;
      else {
        const k = t.slice(p, colon);
        if (PLAIN_START_STOP.has(k[0]) || k.endsWith(' ') || ((k[0] === '-' || k[0] === '?' || k[0] === ':') && (k.length === 1 || k[1] === ' '))) giveUp();
        if (k === '<<') giveUp();
        keyNode = plainScalar(k, p, colon);
      }
      if (colon - p > MAX_KEY_CHARS) giveUp();
      const key = keyString(keyNode.value);
      if (keys.has(key)) giveUp(); // duplicate keys: the general path reports them
      keys.add(key);
      const value = this.mapValue(col, colon + 1, end, depth);
      entries.push({ key, keyNode, keySpan: keyNode.span, value: value.node });
      lastEnd = value.end;
      // Next entry: a content line at exactly `col`.
      const l = this.nextItemLine(col, depth);
      if (l < 0) break;
      this.line = l;
      p = r.starts[l] + col;
      const ch = t.charCodeAt(p);
      if (ch === CH_DASH && (p + 1 === r.ends[l] || t.charCodeAt(p + 1) === CH_SPACE)) {
        // A sequence at the map's own indentation is only allowed as a value: here it would end the map.
        giveUp();
      }
    }
    return { node: { kind: 'map', span: span(start, lastEnd), entries, flow: false }, end: lastEnd };
  }

  /** The value after a key's colon at `q` (the line ends at `end`). Leaves `this.line` after the value. */
  private mapValue(col: number, q: number, end: number, depth: number): Built {
    const t = this.t;
    const r = this.r;
    const v = skipSpaces(t, q, end);
    if (v < end && !(t.charCodeAt(v) === CH_HASH && v > q)) {
      const c = t.charCodeAt(v);
      if (c === CH_DASH && (v + 1 === end || t.charCodeAt(v + 1) === CH_SPACE)) giveUp(); // `key: - a`
      const built = this.inlineValue(v, end, depth);
      this.line++;
      this.noDeeperContinuation(col);
      return built;
    }
    // Nothing after the colon (maybe a comment): a nested block below, or an empty value.
    const emptyAt = v; // after trailing spaces, as the yaml package places it
    const l = r.nextContent(this.line + 1, this.limit);
    if (l < this.limit && !(r.indents[l] === 0 && r.isMarker(l))) {
      const ind = r.indents[l];
      const p = r.starts[l] + ind;
      const isDash = t.charCodeAt(p) === CH_DASH && (p + 1 === r.ends[l] || t.charCodeAt(p + 1) === CH_SPACE);
      if (ind > col || (ind === col && isDash)) {
        this.line = l;
        return this.block(ind, p, depth + 1, col);
      }
    }
    // An empty value: the yaml package stretches its range over a comment on the line and comment
    // lines below; only the plain case `key:` followed by content is mirrored here.
    if (v < end || (this.line + 1 < this.limit && r.indents[this.line + 1] < 0)) giveUp();
    this.line++;
    return { node: emptyScalar(emptyAt), end: emptyAt };
  }

  private seq(col: number, p: number, depth: number): Built<YSeq> {
    const t = this.t;
    const r = this.r;
    const items: YNode[] = [];
    const start = p;
    let lastEnd = p;
    for (;;) {
      const end = r.ends[this.line];
      const q = p + 1;
      const v = skipSpaces(t, q, end);
      let built: Built;
      if (v < end && !(t.charCodeAt(v) === CH_HASH && v > q)) {
        // Content on the dash's line: a scalar, a compact map or a nested compact sequence.
        built = this.block(v - r.starts[this.line], v, depth + 1, col);
      } else {
        const l = r.nextContent(this.line + 1, this.limit);
        if (l < this.limit && r.indents[l] > col && !(r.indents[l] === 0 && r.isMarker(l))) {
          this.line = l;
          built = this.block(r.indents[l], r.starts[l] + r.indents[l], depth + 1, col);
        } else {
          if (v < end || (this.line + 1 < this.limit && r.indents[this.line + 1] < 0)) giveUp(); // as for an empty map value
          this.line++;
          built = { node: emptyScalar(v), end: v };
        }
      }
      items.push(built.node);
      lastEnd = built.end;
      const l = this.nextItemLine(col, depth);
      if (l < 0) break;
      const before = this.line;
      this.line = l;
      p = r.starts[l] + col;
      // Not a dash: a key of the map this sequence is the value of (`key:\n- a\nnext: b`); the callers
      // check that such a line is theirs.
      if (!(t.charCodeAt(p) === CH_DASH && (p + 1 === r.ends[l] || t.charCodeAt(p + 1) === CH_SPACE))) {
        r.noDeeperComments(before, l, col, false);
        if (lastLeafEmpty) giveUp();
        break;
      }
    }
    return { node: { kind: 'seq', span: span(start, lastEnd), items, flow: false }, end: lastEnd };
  }

  /** A value written on one line from `v`: a quoted or plain scalar, `{}`, or a flow sequence of scalars. */
  private inlineValue(v: number, end: number, depth: number): Built {
    const t = this.t;
    const next = this.r.nexts[this.line];
    const c = t[v];
    if (c === '"' || c === "'") {
      const { node, after } = readQuoted(t, v, end);
      expectLineEnd(t, after, end);
      return { node, end: next };
    }
    if (c === '{') {
      const close = skipSpaces(t, v + 1, end);
      if (t[close] !== '}') giveUp();
      expectLineEnd(t, close + 1, end);
      lastLeafEmpty = false;
      return { node: { kind: 'map', span: span(v, close + 1), entries: [], flow: true }, end: next };
    }
    if (c === '[') {
      if (depth + 1 > MAX_DEPTH) giveUp();
      const items: YNode[] = [];
      let i = skipSpaces(t, v + 1, end);
      if (t[i] !== ']') {
        for (;;) {
          const ch = t[i];
          let item: YScalar;
          if (ch === '"' || ch === "'") {
            const qd = readQuoted(t, i, end);
            item = qd.node;
            i = qd.after;
          } else {
            if (PLAIN_START_STOP.has(ch) || ch === undefined || ch === ' ') giveUp();
            let e = i;
            while (e < end && !',[]{}#'.includes(t[e])) {
              if (t.charCodeAt(e) === CH_COLON) giveUp(); // a pair inside the sequence
              e++;
            }
            let we = e;
            while (we > i && t.charCodeAt(we - 1) === CH_SPACE) we--;
            if (we === i) giveUp();
            if ((ch === '-' || ch === '?') && (i + 1 === we || t.charCodeAt(i + 1) === CH_SPACE)) giveUp();
            item = plainScalar(t.slice(i, we), i, we);
            i = e;
          }
          items.push(item);
          i = skipSpaces(t, i, end);
          if (t[i] === ',') {
            i = skipSpaces(t, i + 1, end);
            if (t[i] === ']') giveUp(); // a trailing comma
            continue;
          }
          if (t[i] === ']') break;
          giveUp();
        }
      }
      expectLineEnd(t, i + 1, end);
      lastLeafEmpty = false;
      return { node: { kind: 'seq', span: span(v, i + 1), items, flow: true }, end: next };
    }
    const node = readPlainBlock(t, v, end);
    return { node, end: next };
  }
}

/**
 * The documents of `text` when it is plain block YAML this reader is sure about; undefined
 * otherwise (the caller then parses it with the `yaml` package). Never throws.
 */
export function fastParseStream(text: string): YDocument[] | undefined {
  if (text.length === 0 || UNSUPPORTED_CHARS.test(text)) return undefined;
  lastLeafEmpty = false;
  try {
    return new FastParser(text).parse();
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    return undefined; // a bug here must not cost the user anything: the general path answers
  }
}

export type { Span };
