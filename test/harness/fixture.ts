/**
 * Fixture mini-language for YAML test files. An annotation line marks the line above it:
 *
 *       endPort: 80
 *   #            ^^ NP204 error fix path=spec.ingress[0].ports[0].endPort
 *
 * The carets' columns are the span's columns on the annotated line (for a span starting in
 * column 0 write the carets without '#'). After the code: the severity, `fix` when the finding
 * carries a fix, and `path=...` for the API server's field path. Annotation lines are removed
 * before analysis, so spans refer to the text without them. A file without annotations expects
 * no diagnostics at all.
 */

export interface Expectation {
  readonly line: number;
  readonly startCol: number;
  readonly endCol: number;
  readonly code: string;
  readonly severity?: string;
  readonly fix?: boolean;
  readonly path?: string;
  /** Line number of the annotation in the fixture file, for messages. */
  readonly fixtureLine: number;
}

export interface Fixture {
  readonly text: string;
  readonly expectations: readonly Expectation[];
}

const ANNOTATION = /^(?:\s*#)?(\s*)(\^+)\s+(NP\d{3})\b(.*)$/;

export function parseFixture(source: string): Fixture {
  const eol = source.includes('\r\n') ? '\r\n' : '\n';
  const lines = source.split(/\r?\n/);
  const kept: string[] = [];
  const expectations: Expectation[] = [];
  lines.forEach((line, i) => {
    const m = ANNOTATION.exec(line);
    if (!m || kept.length === 0) {
      kept.push(line);
      return;
    }
    const startCol = line.indexOf('^');
    const endCol = startCol + m[2].length;
    const rest = m[4].trim().split(/\s+/).filter(Boolean);
    let severity: string | undefined;
    let fix = false;
    let path: string | undefined;
    for (const word of rest) {
      if (['error', 'warning', 'info', 'hint'].includes(word)) severity = word;
      else if (word === 'fix') fix = true;
      else if (word.startsWith('path=')) path = word.slice(5);
      else throw new Error(`fixture line ${i + 1}: unknown annotation word ${JSON.stringify(word)}`);
    }
    expectations.push({ line: kept.length - 1, startCol, endCol, code: m[3], severity, fix, path, fixtureLine: i + 1 });
  });
  return { text: kept.join(eol), expectations };
}
