/**
 * Text-edit helpers for quick fixes: fixes are plain text edits on spans, so these find the
 * indentation, line ends and block-sequence dashes around a node and render small YAML values in
 * the file's own style (indent step, compact or indented sequences, line endings). Each helper
 * returns undefined when the text is not shaped as expected; the rule then offers no fix.
 */
import type { Span } from '../text';
import type { YMap, YNode, YSeq } from '../syntax/tree';
import type { TextEdit } from './rule';

/** The file's line ending, as its first line ends (cheap: fixes are built for every finding). */
export function eolOf(text: string): string {
  const nl = text.indexOf('\n');
  return nl > 0 && text[nl - 1] === '\r' ? '\r\n' : '\n';
}

export function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

export function columnOf(text: string, offset: number): number {
  return offset - lineStartOf(text, offset);
}

/** Offset of the end of the line holding `offset` (before its \r\n or \n). */
export function lineEndOf(text: string, offset: number): number {
  let nl = text.indexOf('\n', offset);
  if (nl < 0) nl = text.length;
  return nl > 0 && text[nl - 1] === '\r' ? nl - 1 : nl;
}

/** Where to insert lines after a node: the end of the line its last non-blank character is on. */
export function afterNode(text: string, s: Span): number {
  let end = s.end;
  while (end > s.start && /\s/.test(text[end - 1])) end--;
  return lineEndOf(text, Math.max(end - 1, s.start));
}

/** Whether the text from the line's start up to `offset` is blank. */
export function onlyBlankBefore(text: string, offset: number): boolean {
  return /^[ \t]*$/.test(text.slice(lineStartOf(text, offset), offset));
}

/** The `-` of the block-sequence item whose content starts at `itemStart`, on the same line. */
export function dashBefore(text: string, itemStart: number): number | undefined {
  let i = itemStart - 1;
  while (i >= 0 && (text[i] === ' ' || text[i] === '\t')) i--;
  if (i < 0 || text[i] !== '-' || i === itemStart - 1) return undefined;
  return onlyBlankBefore(text, i) ? i : undefined;
}

const SPECIAL_WORDS = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|true|True|TRUE|false|False|FALSE|null|Null|NULL|~)$/;

/** A scalar as YAML text: plain when that reads back as the same string, else double-quoted. */
export function scalar(v: string | number | boolean): string {
  if (typeof v !== 'string') return String(v);
  if (/^[A-Za-z_][A-Za-z0-9_./-]*$/.test(v) && !SPECIAL_WORDS.test(v) && !/^[0-9+-.]/.test(v)) return v;
  return JSON.stringify(v);
}

export type Value = string | number | boolean | readonly Value[] | { readonly [k: string]: Value | undefined };

function isMapValue(v: Value): v is { readonly [k: string]: Value | undefined } {
  return typeof v === 'object' && !Array.isArray(v);
}

/** A value in flow style: {a: b, c: [1, 2]}. */
export function flow(v: Value): string {
  if (Array.isArray(v)) return `[${v.map(flow).join(', ')}]`;
  if (isMapValue(v)) {
    const parts = Object.entries(v).filter((e): e is [string, Value] => e[1] !== undefined).map(([k, x]) => `${scalar(k)}: ${flow(x)}`);
    return `{${parts.join(', ')}}`;
  }
  return scalar(v as string | number | boolean);
}

export interface Style {
  /** Indent step. */
  readonly unit: number;
  /** Whether a block sequence's dashes sit at its key's column (`key:\n- a`) rather than indented. */
  readonly compact: boolean;
}

/** Lines of a block map whose keys start at column `col` (the first line may then get a dash). */
export function blockMap(v: { readonly [k: string]: Value | undefined }, col: number, style: Style): string[] {
  const out: string[] = [];
  const pad = ' '.repeat(col);
  for (const [k, x] of Object.entries(v)) {
    if (x === undefined) continue;
    if (Array.isArray(x)) {
      if (x.length === 0) out.push(`${pad}${scalar(k)}: []`);
      else {
        out.push(`${pad}${scalar(k)}:`);
        out.push(...blockSeq(x, style.compact ? col : col + style.unit, style));
      }
    } else if (isMapValue(x as Value)) {
      const m = x as { readonly [k: string]: Value | undefined };
      if (Object.values(m).every((y) => y === undefined)) out.push(`${pad}${scalar(k)}: {}`);
      else {
        out.push(`${pad}${scalar(k)}:`);
        out.push(...blockMap(m, col + style.unit, style));
      }
    } else out.push(`${pad}${scalar(k)}: ${scalar(x as string | number | boolean)}`);
  }
  return out;
}

/** Lines of a block sequence with dashes at `dashCol`; item maps' keys go two columns right. */
export function blockSeq(items: readonly Value[], dashCol: number, style: Style, keyCol = dashCol + 2): string[] {
  const out: string[] = [];
  for (const item of items) {
    if (isMapValue(item) && Object.values(item).some((y) => y !== undefined)) {
      const lines = blockMap(item, keyCol, style);
      lines[0] = `${' '.repeat(dashCol)}-${' '.repeat(keyCol - dashCol - 1)}${lines[0].slice(keyCol)}`;
      out.push(...lines);
    } else out.push(`${' '.repeat(dashCol)}- ${flow(item)}`);
  }
  return out;
}

/** The indent step and sequence style a policy object is written in (2 and compact by default). */
export function styleOf(text: string, node: YMap): Style {
  let unit = 2;
  let compact = true;
  const spec = node.entries.find((e) => e.key === 'spec');
  const specMap = spec?.value?.kind === 'map' && !spec.value.flow ? spec.value : undefined;
  if (spec && specMap && specMap.entries.length) {
    const d = columnOf(text, specMap.entries[0].keySpan.start) - columnOf(text, spec.keySpan.start);
    if (d > 0 && d <= 8) unit = d;
  }
  for (const e of specMap?.entries ?? []) {
    if (e.value?.kind === 'seq' && !e.value.flow && e.value.items.length) {
      compact = columnOf(text, e.value.span.start) === columnOf(text, e.keySpan.start);
      break;
    }
  }
  return { unit, compact };
}

/**
 * Edits that merge block- or flow-sequence items i and i+1 (both maps with different keys) into
 * one map: in block style, the second item's dash becomes a space (when both items' keys line
 * up); in flow style, `}, {` becomes `, `.
 */
export function mergeItems(text: string, seq: YSeq, i: number): TextEdit[] | undefined {
  const a = seq.items[i];
  const b = seq.items[i + 1];
  if (a?.kind !== 'map' || b?.kind !== 'map' || !a.entries.length || !b.entries.length) return undefined;
  if (!within(a, seq) || !within(b, seq)) return undefined;
  const keys = new Set(a.entries.map((e) => e.key));
  if (b.entries.some((e) => keys.has(e.key))) return undefined;
  if (!seq.flow && !a.flow && !b.flow) {
    const dash = dashBefore(text, b.span.start);
    const aDash = dashBefore(text, a.span.start);
    if (dash === undefined || aDash === undefined) return undefined;
    if (columnOf(text, a.entries[0].keySpan.start) !== columnOf(text, b.entries[0].keySpan.start)) return undefined;
    return [{ span: { start: dash, end: dash + 1 }, newText: ' ' }];
  }
  if (a.flow && b.flow && text[a.span.end - 1] === '}' && text[b.span.start] === '{') {
    const between = text.slice(a.span.end, b.span.start);
    if (!/^[ \t\r\n]*[,-]?[ \t\r\n]*$/.test(between)) return undefined;
    if (!/[^\s{]/.test(text.slice(a.span.start + 1, a.span.end - 1)) || /,\s*$/.test(text.slice(a.span.start + 1, a.span.end - 1))) return undefined;
    return [{ span: { start: a.span.end - 1, end: b.span.start + 1 }, newText: ', ' }];
  }
  return undefined;
}

/** Whether a node was written inside its parent (not reached through an alias or merge key). */
export function within(child: YNode, parent: YNode): boolean {
  return child.span.start >= parent.span.start && child.span.end <= parent.span.end && child.span.end > child.span.start;
}

/**
 * Edits that append `item` to a sequence written at `seq` (its key at `keyStart`): after the last
 * item in block style, before the `]` in flow style.
 */
export function appendItem(text: string, seq: YSeq, item: Value, style: Style): TextEdit[] | undefined {
  const eol = eolOf(text);
  if (seq.flow) {
    const close = seq.span.end - 1;
    if (text[close] !== ']') return undefined;
    const inner = text.slice(seq.span.start + 1, close);
    if (inner.includes('#')) return undefined;
    const sep = /[^\s]/.test(inner) ? (/,\s*$/.test(inner) ? ' ' : ', ') : '';
    let at = close;
    while (at > seq.span.start + 1 && /\s/.test(text[at - 1])) at--;
    return [{ span: { start: at, end: at }, newText: `${sep}${flow(item)}` }];
  }
  const first = seq.items[0];
  if (!first || !within(first, seq)) return undefined;
  const dashCol = columnOf(text, seq.span.start);
  if (text[seq.span.start] !== '-' || !onlyBlankBefore(text, seq.span.start)) return undefined;
  const keyCol = first.kind === 'map' && !first.flow && first.entries.length ? columnOf(text, first.entries[0].keySpan.start) : dashCol + 2;
  const at = afterNode(text, seq.span);
  return [{ span: { start: at, end: at }, newText: eol + blockSeq([item], dashCol, style, keyCol).join(eol) }];
}

/**
 * Edits that give `key` the value `v` in `map`: replacing the value written there, filling in
 * a key written without one, or adding the key (before `beforeKey` when given, else last).
 */
export function setEntry(text: string, map: YMap, key: string, v: Value, style: Style, beforeKey?: string): TextEdit[] | undefined {
  const eol = eolOf(text);
  const entry = [...map.entries].reverse().find((e) => e.key === key);
  if (entry) {
    if (!within({ kind: 'scalar', span: entry.keySpan, value: { type: 'null' }, text: '', style: 'plain' }, map)) return undefined;
    if (entry.value && entry.value.span.start !== entry.value.span.end) {
      if (!within(entry.value, map) && entry.value.span.start !== entry.value.span.end) return undefined;
      if (entry.value.kind !== 'scalar' && !entry.value.flow) {
        // A block value: rewrite it in flow style on the key's line.
        const start = entry.keySpan.end;
        const colon = text.indexOf(':', start);
        if (colon < 0 || !/^[ \t]*$/.test(text.slice(start, colon))) return undefined;
        return [{ span: { start: colon + 1, end: afterNode(text, entry.value.span) }, newText: ` ${flow(v)}` }];
      }
      return [{ span: entry.value.span, newText: flow(v) }];
    }
    // A key written without a value (`egress:`): the value goes after its colon, as a block
    // below the key in a block map.
    const colon = text.indexOf(':', entry.keySpan.end);
    if (colon < 0 || !/^[ \t]*$/.test(text.slice(entry.keySpan.end, colon))) return undefined;
    if (!map.flow && isBlockable(v)) {
      const col = columnOf(text, entry.keySpan.start);
      const lines = Array.isArray(v) ? blockSeq(v, style.compact ? col : col + style.unit, style) : blockMap(v as { readonly [k: string]: Value }, col + style.unit, style);
      return [{ span: { start: colon + 1, end: colon + 1 }, newText: eol + lines.join(eol) }];
    }
    return [{ span: { start: colon + 1, end: colon + 1 }, newText: ` ${flow(v)}` }];
  }
  const before = beforeKey ? map.entries.find((e) => e.key === beforeKey && within({ kind: 'scalar', span: e.keySpan, value: { type: 'null' }, text: '', style: 'plain' }, map)) : undefined;
  if (map.flow) {
    if (before) return [{ span: { start: before.keySpan.start, end: before.keySpan.start }, newText: `${scalar(key)}: ${flow(v)}, ` }];
    const close = map.span.end - 1;
    if (text[close] !== '}') return undefined;
    const inner = text.slice(map.span.start + 1, close);
    if (inner.includes('#')) return undefined;
    let at = close;
    while (at > map.span.start + 1 && /\s/.test(text[at - 1])) at--;
    const sep = /[^\s]/.test(inner) ? (/,\s*$/.test(inner) ? ' ' : ', ') : '';
    return [{ span: { start: at, end: at }, newText: `${sep}${scalar(key)}: ${flow(v)}` }];
  }
  if (!map.entries.length) return undefined;
  const col = columnOf(text, map.entries[0].keySpan.start);
  if (before) return [{ span: { start: before.keySpan.start, end: before.keySpan.start }, newText: `${scalar(key)}: ${flow(v)}${eol}${' '.repeat(col)}` }];
  const at = afterNode(text, map.span);
  const lines = isBlockable(v) ? [`${' '.repeat(col)}${scalar(key)}:`, ...(Array.isArray(v) ? blockSeq(v, style.compact ? col : col + style.unit, style) : blockMap(v as { readonly [k: string]: Value }, col + style.unit, style))] : [`${' '.repeat(col)}${scalar(key)}: ${flow(v)}`];
  return [{ span: { start: at, end: at }, newText: eol + lines.join(eol) }];
}

function isBlockable(v: Value): boolean {
  return typeof v === 'object' && (Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0);
}
