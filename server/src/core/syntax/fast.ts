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
 *
 * Split by concern: fastLines.ts (lines, markers, scanning helpers), fastScalars.ts (scalars and
 * keys), this file (the block structure: documents, maps, sequences, one-line flow values).
 */
import { Span, span } from '../text';
import { keyString } from './scalar';
import type { YDocument, YEntry, YMap, YNode, YScalar, YSeq } from './nodes';
import { Built, CH_COLON, CH_DASH, CH_HASH, CH_SPACE, GIVE_UP, MAX_DEPTH, MAX_KEY_CHARS, PLAIN_START_STOP, Reader, UNSUPPORTED_CHARS, expectLineEnd, giveUp, skipSpaces } from './fastLines';
import { emptyScalar, findKeyColon, leaf, plainScalar, readPlainBlock, readQuoted } from './fastScalars';

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
      if (leaf.lastEmpty || root.node.kind === 'scalar') giveUp();
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
      if (leaf.lastEmpty) giveUp();
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
        if (leaf.lastEmpty) giveUp();
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
      leaf.lastEmpty = false;
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
      leaf.lastEmpty = false;
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
/** Whether every line is blank or a comment (spaces, then `#` or the line's end): one linear pass. */
function commentsOnly(text: string): boolean {
  const n = text.length;
  let i = 0;
  while (i < n) {
    while (i < n && text.charCodeAt(i) === 32) i++;
    if (i < n && text.charCodeAt(i) === 35) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? n : nl;
    }
    if (i >= n) return true;
    const c = text.charCodeAt(i);
    if (c === 10) i++;
    else if (c === 13 && text.charCodeAt(i + 1) === 10) i += 2;
    else return false;
  }
  return true;
}

export function fastParseStream(text: string): YDocument[] | undefined {
  if (text.length === 0 || UNSUPPORTED_CHARS.test(text)) return undefined;
  // Only comments and blank lines (a file of `# netpol-lens expect:` lines): one empty document.
  if (commentsOnly(text)) return [{ span: { start: 0, end: text.length }, root: undefined, problems: [], truncated: false }];
  leaf.lastEmpty = false;
  try {
    return new FastParser(text).parse();
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    return undefined; // a bug here must not cost the user anything: the general path answers
  }
}

export type { Span };
