/**
 * Disable comments, as ESLint has them, for YAML:
 *
 *   # netpol-lens-disable-next-line NP302
 *   # netpol-lens-disable-next-line NP302, NP305 -- DNS comes from the platform policy
 *   # netpol-lens-disable egress-blocks-dns
 *
 * `disable-next-line` suppresses findings that start on the next line that is not itself a
 * comment (so directives can be stacked), or is an assertion line (`# netpol-lens expect:`, whose
 * findings are on it); `disable` suppresses from its line to the end of that
 * YAML document (the next `---` or `...` line). Codes (NP302) or slugs (egress-blocks-dns) are
 * separated by commas or spaces; none means every code; text after ` -- ` is a free comment. A
 * directive must be a comment line of its own. Directives naming only unknown codes suppress
 * nothing.
 */
import { RULES } from './rules/catalog';

const ASSERTION_LINE = /^[ \t]*#[ \t]*netpol-lens expect:/;
const DIRECTIVE = /^[ \t]*#[ \t]*netpol-lens-(disable-next-line|disable)(?=[ \t]|$)(.*)$/;
const DOC_MARKER = /^(?:---|\.\.\.)(?=[ \t\r\n]|$)/;

interface Range {
  readonly from: number;
  readonly to: number;
  /** Undefined: every code. */
  readonly codes: ReadonlySet<string> | undefined;
}

export interface Suppressions {
  isSuppressed(code: string, offset: number): boolean;
}

function parseCodes(rest: string): ReadonlySet<string> | undefined | null {
  const body = rest.split(/[ \t]--(?:[ \t]|$)/)[0];
  const words = body.split(/[\s,]+/).filter(Boolean);
  if (words.length === 0) return undefined;
  const codes = new Set<string>();
  for (const w of words) {
    const upper = w.toUpperCase();
    if (/^NP\d{3}$/.test(upper)) codes.add(upper);
    else {
      const r = RULES.find((x) => x.meta.slug === w);
      if (r) codes.add(r.meta.code);
    }
  }
  return codes.size ? codes : null;
}

/** The directives in `text`, or undefined when it has none (the common case, checked cheaply). */
export function parseSuppressions(text: string): Suppressions | undefined {
  if (!text.includes('netpol-lens-disable')) return undefined;
  const ranges: Range[] = [];
  const lines: { start: number; end: number; body: string }[] = [];
  for (let start = 0; start <= text.length; ) {
    let nl = text.indexOf('\n', start);
    if (nl < 0) nl = text.length;
    lines.push({ start, end: nl, body: text.slice(start, nl > start && text[nl - 1] === '\r' ? nl - 1 : nl) });
    start = nl + 1;
  }
  lines.forEach((line, i) => {
    const m = DIRECTIVE.exec(line.body);
    if (!m) return;
    const codes = parseCodes(m[2]);
    if (codes === null) return;
    if (m[1] === 'disable-next-line') {
      let j = i + 1;
      // Other comments are skipped, except an assertion line (`# netpol-lens expect:`): its findings are on it.
      while (j < lines.length && /^[ \t]*#/.test(lines[j].body) && !ASSERTION_LINE.test(lines[j].body)) j++;
      if (j < lines.length) ranges.push({ from: lines[j].start, to: lines[j].end, codes });
      return;
    }
    let j = i + 1;
    while (j < lines.length && !DOC_MARKER.test(lines[j].body)) j++;
    ranges.push({ from: line.start, to: j < lines.length ? lines[j].start - 1 : text.length, codes });
  });
  if (ranges.length === 0) return undefined;
  return {
    isSuppressed(code, offset) {
      return ranges.some((r) => offset >= r.from && offset <= r.to && (!r.codes || r.codes.has(code)));
    },
  };
}

/** Drops the findings the text's directives suppress. */
export function applySuppressions<T extends { readonly code: string; readonly span: { readonly start: number } }>(items: readonly T[], text: string): T[] {
  const s = parseSuppressions(text);
  return s ? items.filter((d) => !s.isSuppressed(d.code, d.span.start)) : [...items];
}
