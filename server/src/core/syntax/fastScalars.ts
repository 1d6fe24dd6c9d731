/**
 * The fast reader's scalars (see fast.ts): plain and single-line quoted scalars, resolved as
 * go-yaml v2 resolves them, and where a key's colon is.
 */
import { span } from '../text';
import { resolvePlain } from './scalar';
import type { YScalar } from './nodes';
import { CH_COLON, CH_HASH, CH_SPACE, PLAIN_START_STOP, giveUp, indexBefore, skipSpaces } from './fastLines';

export function plainScalar(text: string, start: number, end: number): YScalar {
  leaf.lastEmpty = false;
  return { kind: 'scalar', span: span(start, end), value: resolvePlain(text), text, style: 'plain' };
}

export function quotedScalar(text: string, start: number, end: number): YScalar {
  leaf.lastEmpty = false;
  return { kind: 'scalar', span: span(start, end), value: { type: 'string', value: text }, text, style: 'quoted' };
}

/** Set by emptyScalar, cleared by every other leaf: whether the last leaf read was an empty value. */
export const leaf = { lastEmpty: false };

export function emptyScalar(at: number): YScalar {
  leaf.lastEmpty = true;
  return { kind: 'scalar', span: span(at, at), value: { type: 'null' }, text: '', style: 'plain' };
}

/**
 * A quoted scalar starting at `p` (which holds the quote) on one line ending at `end`: its node
 * and the offset after the closing quote. Gives up on escapes (double quotes) and on a missing
 * closing quote (a multi-line scalar or an error).
 */
export function readQuoted(t: string, p: number, end: number): { node: YScalar; after: number } {
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
export function readPlainBlock(t: string, p: number, end: number): YScalar {
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
export function findKeyColon(t: string, p: number, end: number): number {
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

