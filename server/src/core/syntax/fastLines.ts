/**
 * The fast reader's line layer (see fast.ts): the text cut into lines with their indentation,
 * document markers, and the small scanning helpers; `giveUp()` abandons the fast path.
 */
import type { YNode } from './nodes';

/** Thrown to abandon the fast path; never escapes this module. */
export class GiveUp {}
export const GIVE_UP = new GiveUp();

export function giveUp(): never {
  throw GIVE_UP;
}

/** Characters that make the fast path give up wherever they appear (tabs, controls, BOM, odd line breaks). */
export const UNSUPPORTED_CHARS = /[\t\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff\u2028\u2029]|\r(?!\n)/;
/** Characters that cannot start a plain scalar (or start something this reader does not handle). */
export const PLAIN_START_STOP = new Set(['[', ']', '{', '}', ',', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`']);
export const MAX_DEPTH = 200;
export const MAX_KEY_CHARS = 1000;

export interface Built<N extends YNode = YNode> {
  readonly node: N;
  /** Where the `yaml` package's range[2] for the node would be: past its line's comment and line break. */
  readonly end: number;
}

export const CH_SPACE = 32;
export const CH_HASH = 35;
export const CH_DASH = 45;
export const CH_COLON = 58;

export class Reader {
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
export function indexBefore(t: string, needle: string, from: number, end: number): number {
  const first = needle.charCodeAt(0);
  const last = end - needle.length;
  for (let i = from; i <= last; i++) if (t.charCodeAt(i) === first && t.startsWith(needle, i)) return i;
  return -1;
}

/** Offset after spaces from `p` up to `end`. */
export function skipSpaces(t: string, p: number, end: number): number {
  while (p < end && t.charCodeAt(p) === CH_SPACE) p++;
  return p;
}

/** Gives up unless only spaces and an optional comment follow `p` on the line ending at `end`. */
export function expectLineEnd(t: string, p: number, end: number): void {
  const q = skipSpaces(t, p, end);
  if (q === end) return;
  if (t.charCodeAt(q) === CH_HASH && q > p) return;
  giveUp();
}

