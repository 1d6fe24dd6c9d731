/**
 * Where a new YAML document goes in a file, as a pure insertion: at the end of the document that
 * holds the cursor (after its trailing comments, after its `...`), preceded by a `---` line when
 * something comes before it, in the file's line endings and sequence/indent style. Existing text
 * is never changed: the result is always `text[0, offset) + newText + text[offset, end)`.
 *
 * When a document without `---`, or directives, follow (after a `...`), the new one ends with
 * `...` so that it does not take them in.
 *
 * Document boundaries are found line by line the way YAML defines them: a `---` at column 0
 * starts a document, a `...` at column 0 ends one (a marker at column 0 ends a block or quoted
 * scalar too, so no scalar can hide one). A leading run of comments and directives belongs to
 * the document the next `---` starts.
 */
import { renderTemplate, SEED_STYLE, TemplateId, YamlStyle } from './templates';

type LineKind = 'start' | 'end' | 'directive' | 'blank' | 'comment' | 'content';

interface LineInfo {
  readonly start: number;
  /** Offset after the line's text, before its line break. */
  readonly textEnd: number;
  /** Offset after its line break (the next line's start). */
  readonly end: number;
  readonly kind: LineKind;
  /** A `---` line with content after the marker (`--- |`, `--- {a: 1}`). */
  readonly markerContent?: boolean;
}

/** A YAML document's stretch of the file (the last ends at the end of the file). */
export interface DocumentRegion {
  readonly start: number;
  readonly end: number;
  /** Starts with a `---` line (after any leading comments and directives). */
  readonly explicit: boolean;
  /** Holds something other than comments, blank lines, directives and markers. */
  readonly content: boolean;
  readonly directives: boolean;
  /** Closed by a `...` line. */
  readonly closed: boolean;
  /** Just a `---` line (maybe with a comment) and blank lines: a separator nothing follows yet. */
  readonly bareMarker: boolean;
  /** Offset after the region's `---` line, when explicit. */
  readonly afterMarker?: number;
}

const MARKER_REST = /^[ \t]*(#.*)?$/;

function scanLines(text: string): LineInfo[] {
  const lines: LineInfo[] = [];
  let pos = 0;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const end = nl < 0 ? text.length : nl + 1;
    let textEnd = nl < 0 ? text.length : nl;
    if (textEnd > pos && text.charCodeAt(textEnd - 1) === 13) textEnd--;
    let line = text.slice(pos, textEnd);
    if (pos === 0 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    let kind: LineKind;
    let markerContent: boolean | undefined;
    const marker = /^(---|\.\.\.)(?=[ \t]|$)/.exec(line);
    if (marker) {
      kind = marker[1] === '---' ? 'start' : 'end';
      if (kind === 'start') markerContent = !MARKER_REST.test(line.slice(3));
    } else if (line.startsWith('%')) kind = 'directive';
    else if (/^[ \t]*$/.test(line)) kind = 'blank';
    else if (/^[ \t]*#/.test(line)) kind = 'comment';
    else kind = 'content';
    lines.push({ start: pos, textEnd, end, kind, markerContent });
    pos = end;
  }
  return lines;
}

interface MutableRegion {
  start: number;
  end: number;
  explicit: boolean;
  content: boolean;
  directives: boolean;
  closed: boolean;
  afterMarker?: number;
  /** Only blank lines since the marker line (and no content on it). */
  blankAfterMarker: boolean;
}

/** The file's documents as contiguous regions covering it from 0 to its length (one for ''). */
export function documentRegions(text: string): DocumentRegion[] {
  const raw: MutableRegion[] = [];
  const fresh = (start: number): MutableRegion => ({ start, end: start, explicit: false, content: false, directives: false, closed: false, blankAfterMarker: false });
  let cur = fresh(0);
  const begin = (start: number): void => {
    if (cur.end > cur.start) raw.push(cur);
    cur = fresh(start);
  };
  for (const line of scanLines(text)) {
    switch (line.kind) {
      case 'start':
        begin(line.start);
        cur.explicit = true;
        cur.afterMarker = line.end;
        cur.content = !!line.markerContent;
        cur.blankAfterMarker = !line.markerContent;
        cur.end = line.end;
        break;
      case 'end':
        cur.end = line.end;
        cur.closed = true;
        cur.blankAfterMarker = false;
        begin(line.end);
        break;
      case 'directive':
        // A `%` line inside a document is not a directive (nor valid YAML); count it as content.
        if (cur.explicit || cur.content) cur.content = true;
        else cur.directives = true;
        cur.blankAfterMarker = false;
        cur.end = line.end;
        break;
      case 'blank':
        cur.end = line.end;
        break;
      case 'comment':
        cur.blankAfterMarker = false;
        cur.end = line.end;
        break;
      case 'content':
        cur.content = true;
        cur.blankAfterMarker = false;
        cur.end = line.end;
        break;
    }
  }
  if (cur.end > cur.start || raw.length === 0) raw.push(cur);
  // Leading comments and directives belong to the document the next `---` starts.
  const merged: MutableRegion[] = [];
  for (let i = 0; i < raw.length; i++) {
    const r = raw[i];
    const next = raw[i + 1];
    if (next && !r.explicit && !r.content && !r.closed && next.explicit) {
      next.start = r.start;
      next.directives ||= r.directives;
      continue;
    }
    merged.push(r);
  }
  return merged.map((r) => ({
    start: r.start,
    end: r.end,
    explicit: r.explicit,
    content: r.content,
    directives: r.directives,
    closed: r.closed,
    bareMarker: r.explicit && r.blankAfterMarker,
    afterMarker: r.afterMarker,
  }));
}

function regionAt(regions: readonly DocumentRegion[], offset: number): number {
  for (let i = 0; i < regions.length; i++) if (offset < regions[i].end) return i;
  return regions.length - 1;
}

/** The file's line ending: CRLF when most of its line breaks are CRLF. */
export function detectEol(text: string): '\n' | '\r\n' {
  let crlf = 0;
  let lf = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    if (i > 0 && text.charCodeAt(i - 1) === 13) crlf++;
    else lf++;
  }
  return crlf > lf ? '\r\n' : '\n';
}

const BLOCK_SCALAR_HEADER = /:[ \t]+[|>][-+0-9]*$/;

/** Column after a run of `- ` sequence indicators starting at `from` (`- - key` → the key's column). */
function afterDashes(l: string, from: number): number {
  let k = from;
  while (l.charCodeAt(k) === 45 /* - */ && l.charCodeAt(k + 1) === 32) {
    k += 2;
    while (l.charCodeAt(k) === 32) k++;
  }
  return k;
}

/**
 * How the file writes block YAML: its map indent (2 or 4), whether `- ` is indented under its key
 * (and by how much), and its line endings. Counted over every `key:` line with a block under it
 * (block scalars' text skipped); the guide's style (2, not indented) when the file says nothing.
 */
export function detectYamlStyle(text: string): YamlStyle {
  const eol = detectEol(text);
  const widths = new Map<number, number>();
  const seqOffsets = new Map<number, number>();
  let pendingKeyCol = -1;
  let blockIndent = -1;
  for (let pos = 0; pos <= text.length; ) {
    const nl = text.indexOf('\n', pos);
    let l = text.slice(pos, nl < 0 ? text.length : nl);
    pos = nl < 0 ? text.length + 1 : nl + 1;
    if (l.endsWith('\r')) l = l.slice(0, -1);
    if ((l.startsWith('---') || l.startsWith('...')) && (l.length === 3 || l[3] === ' ' || l[3] === '\t')) {
      pendingKeyCol = -1;
      blockIndent = -1;
      continue;
    }
    let indent = 0;
    while (l.charCodeAt(indent) === 32) indent++;
    let first = indent;
    while (l[first] === ' ' || l[first] === '\t') first++;
    if (first >= l.length) continue;
    if (blockIndent >= 0) {
      if (indent > blockIndent) continue;
      blockIndent = -1;
    }
    if (l[first] === '#') continue;
    if (pendingKeyCol >= 0) {
      if (l[indent] === '-' && (indent + 1 === l.length || l[indent + 1] === ' ')) {
        const off = indent - pendingKeyCol;
        if (off >= 0) seqOffsets.set(off, (seqOffsets.get(off) ?? 0) + 1);
      } else if (indent > pendingKeyCol) {
        const w = indent - pendingKeyCol;
        widths.set(w, (widths.get(w) ?? 0) + 1);
      }
      pendingKeyCol = -1;
    }
    const hash = l.indexOf(' #', indent);
    const body = (hash >= 0 ? l.slice(0, hash) : l).trimEnd();
    const keyCol = afterDashes(l, indent);
    if (body.endsWith(':') && body.length - 1 > keyCol && l[keyCol] !== '#') pendingKeyCol = keyCol;
    else if ((body.includes('|') || body.includes('>')) && BLOCK_SCALAR_HEADER.test(body)) blockIndent = keyCol;
  }
  const two = widths.get(2) ?? 0;
  const four = widths.get(4) ?? 0;
  const indent: 2 | 4 = four > two ? 4 : 2;
  const flat = seqOffsets.get(0) ?? 0;
  let best = 0;
  let bestCount = 0;
  for (const [off, n] of seqOffsets) {
    if (off === 0) continue;
    if (n > bestCount || (n === bestCount && off < best)) {
      best = off;
      bestCount = n;
    }
  }
  if (bestCount > flat) return { indent, sequenceIndent: best <= 8 ? best : indent, eol };
  return { indent, sequenceIndent: 0, eol };
}

/** A pure insertion: `newText` goes at `offset`, nothing is replaced. */
export interface Insertion {
  readonly offset: number;
  readonly newText: string;
  /** Where the new document's own text starts inside newText (after any line break and `---`). */
  readonly bodyStart: number;
}

/**
 * Inserts a new YAML document (`render` gets the file's style and returns the document's text,
 * ending with a line break) after the document holding `cursor`; see the file comment.
 */
export function insertDocument(text: string, cursor: number, render: (style: YamlStyle) => string): Insertion {
  const style = text.length ? detectYamlStyle(text) : SEED_STYLE;
  const body = render(style);
  const regions = documentRegions(text);
  const at = Math.max(0, Math.min(text.length, Number.isFinite(cursor) ? Math.floor(cursor) : text.length));
  let i = regionAt(regions, at);
  const last = regions.length - 1;
  // A file that ends with a `---` line already: the new document fills it.
  if (i === last - 1 && regions[last].bareMarker) i = last;
  const r = regions[i];
  const lineBreakBefore = (offset: number): string => (offset > 0 && offset === text.length && text[offset - 1] !== '\n' ? style.eol : '');
  if (i === last && r.bareMarker && r.afterMarker !== undefined) {
    // Right after the `---`, or on the cursor's (blank) line when it is further down.
    const offset = Math.max(r.afterMarker, Math.min(at, text.lastIndexOf('\n', at - 1) + 1));
    const lead = lineBreakBefore(offset);
    return { offset, newText: lead + body, bodyStart: lead.length };
  }
  const offset = r.end;
  const needsSeparator = r.content || r.explicit || r.directives || r.closed;
  const lead = lineBreakBefore(offset) + (needsSeparator ? '---' + style.eol : '');
  // After a `...`, a document without `---` or directives may follow: close the new document
  // with `...` so that it does not take them in.
  const next = regions[i + 1];
  const close = next && (next.directives || (!next.explicit && next.content)) ? '...' + style.eol : '';
  return { offset, newText: lead + body + close, bodyStart: lead.length };
}

/** Inserts template `id` after the document holding `cursor`, in the file's style. */
export function insertTemplate(text: string, cursor: number, id: TemplateId, name?: string): Insertion {
  return insertDocument(text, cursor, (style) => renderTemplate(id, style, name));
}

/**
 * Whether `cursor` sits where a new document can go as it is: on a blank line of a document that
 * holds nothing else (an empty file, the space after a final `---`, an empty document between two
 * markers). Cheap when the cursor's line is not blank.
 */
export function newDocumentSite(text: string, cursor: number): boolean {
  if (!(cursor >= 0 && cursor <= text.length)) return false;
  const lineStart = text.lastIndexOf('\n', cursor - 1) + 1;
  const nl = text.indexOf('\n', cursor);
  const line = text.slice(lineStart, nl < 0 ? text.length : nl);
  if (!/^[ \t\r\ufeff]*$/.test(line)) return false;
  const site = snippetSite(text, lineStart);
  return !!site && site.word === '' && site.lead === '';
}

/** Where a template snippet may be typed: a word at the start of a line where a document can go. */
export interface SnippetSite {
  /** The typed word's start (the line's start) and end (the cursor). */
  readonly start: number;
  readonly end: number;
  readonly word: string;
  /** `---` and a line break when the line follows a document's content (the snippet starts a new one). */
  readonly lead: string;
  readonly style: YamlStyle;
}

/**
 * Whether a snippet for a new document fits at `cursor`: the text from the line's start to the
 * cursor is a word (or nothing) and the rest of the line is blank, and the document around holds
 * nothing else (an empty document), or only content before this line (then the snippet comes
 * with its own `---`, and only for a word that starts like `netpol`/`networkpolicy`).
 */
export function snippetSite(text: string, cursor: number): SnippetSite | undefined {
  if (cursor < 0 || cursor > text.length) return undefined;
  const lineStart = text.lastIndexOf('\n', cursor - 1) + 1;
  const word = text.slice(lineStart, cursor);
  if (!/^[A-Za-z][A-Za-z0-9-]*$|^$/.test(word)) return undefined;
  const nl = text.indexOf('\n', cursor);
  const lineEnd = nl < 0 ? text.length : nl + 1;
  if (!/^[ \t\r\n]*$/.test(text.slice(cursor, lineEnd))) return undefined;
  const regions = documentRegions(text);
  const r = regions[regionAt(regions, lineStart)];
  let before = false;
  let after = false;
  for (const line of scanLines(text.slice(r.start, r.end))) {
    const start = r.start + line.start;
    if (start === lineStart) continue;
    const isContent = line.kind === 'content' || (line.kind === 'start' && line.markerContent) || (line.kind === 'directive' && start > lineStart);
    if (!isContent) continue;
    if (start < lineStart) before = true;
    else after = true;
  }
  if (after) return undefined;
  // A `%` directive or a `...` above makes this line the start of a document only after `---`.
  const style = detectYamlStyle(text);
  if (!before) return { start: lineStart, end: cursor, word, lead: r.directives && !r.explicit ? '---' + style.eol : '', style };
  const w = word.toLowerCase();
  const looksLikeNetpol = w.length > 0 && ('netpol'.startsWith(w) || w.startsWith('netpol') || 'networkpolicy'.startsWith(w));
  if (!looksLikeNetpol) return undefined;
  return { start: lineStart, end: cursor, word, lead: '---' + style.eol, style };
}
