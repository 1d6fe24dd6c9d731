/**
 * Completion's line scanner: the lines of the YAML document around the cursor, tokenized into
 * `key:`, `- ` and scalar tokens and built into a tree by indentation (tolerates half-typed text).
 */
import { t } from '../../l10n';

// --- lines and tokens -------------------------------------------------------------------------

export interface Line {
  readonly start: number;
  readonly text: string;
}

export interface Tok {
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

export const MARKER = /^(?:---|\.\.\.)(?:[ \t]|$)/;
export const KEY = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#"'[\]{},|>!&*%@`][^]*?)[ \t]*:(?=[ \t]|$)/;

export function stripComment(s: string): string {
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

export function tokenize(s: string, line: number): Tok[] {
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
export function documentLines(text: string, offset: number): { lines: Line[]; cursor: number; start: number; end: number } | undefined {
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
export function buildTree(lines: readonly Line[], cursorLine: number, cursorToks: Tok[]): Tok {
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

export function child(node: Tok | undefined, key: string): Tok | undefined {
  return node?.children.find((c) => c.kind === 'key' && c.key === key && !c.cursor);
}

export function chainOf(tok: Tok): Tok[] {
  const chain: Tok[] = [];
  for (let p = tok.parent; p; p = p.parent) chain.unshift(p);
  return chain;
}
