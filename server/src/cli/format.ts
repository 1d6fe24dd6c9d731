/** Renders core diagnostics for the terminal, as JSON, and as SARIF 2.1.0 for code scanning. */
import { t } from '../core/l10n';
import { escapeControls } from '../core/ide/escape';
import { LineIndex, RULES } from '../core';
import type { Diagnostic } from '../core';

export interface FileResult {
  readonly file: string;
  readonly text: string;
  readonly diagnostics: readonly Diagnostic[];
}

function range(lines: LineIndex, d: Diagnostic) {
  return { start: lines.positionAt(d.span.start), end: lines.positionAt(d.span.end) };
}

export function formatText(results: readonly FileResult[]): string {
  const out: string[] = [];
  let errors = 0;
  let warnings = 0;
  for (const r of results) {
    const lines = new LineIndex(r.text);
    for (const d of r.diagnostics) {
      const p = lines.positionAt(d.span.start);
      if (d.severity === 'error') errors++;
      else if (d.severity === 'warning') warnings++;
      out.push(`${escapeControls(r.file)}:${p.line + 1}:${p.character + 1}: ${d.severity} ${d.code} ${d.path ? `${d.path}: ` : ''}${d.message}`);
    }
  }
  out.push(t('{0}, {1} in {2}', t(errors === 1 ? '{0} error' : '{0} errors', errors), t(warnings === 1 ? '{0} warning' : '{0} warnings', warnings), t(results.length === 1 ? '{0} file' : '{0} files', results.length)));
  return out.join('\n') + '\n';
}

export function formatJson(results: readonly FileResult[]): string {
  const items = results.flatMap((r) => {
    const lines = new LineIndex(r.text);
    return r.diagnostics.map((d) => ({
      file: r.file,
      code: d.code,
      severity: d.severity,
      message: d.message,
      ...(d.path ? { path: d.path } : {}),
      range: range(lines, d),
    }));
  });
  return JSON.stringify(items, null, 2) + '\n';
}

const SARIF_LEVEL = { error: 'error', warning: 'warning', info: 'note', hint: 'note' } as const;

export function formatSarif(results: readonly FileResult[], version: string, cwd: string): string {
  const rules = RULES.map((r) => ({
    id: r.meta.code,
    name: r.meta.slug,
    shortDescription: { text: r.meta.title },
    fullDescription: { text: `${r.meta.title}. Source: ${r.meta.source}.` },
    defaultConfiguration: { level: SARIF_LEVEL[r.meta.severity] },
    properties: { tags: ['kubernetes', 'networkpolicy'] },
  }));
  const index = new Map(RULES.map((r, i) => [r.meta.code, i]));
  const sarifResults = results.flatMap((r) => {
    const lines = new LineIndex(r.text);
    const uri = toUri(r.file, cwd);
    return r.diagnostics.map((d) => {
      const { start, end } = range(lines, d);
      return {
        ruleId: d.code,
        ruleIndex: index.get(d.code) ?? 0,
        level: SARIF_LEVEL[d.severity],
        message: { text: d.path ? `${d.path}: ${d.message}` : d.message },
        locations: [{
          physicalLocation: {
            artifactLocation: { uri, uriBaseId: '%SRCROOT%' },
            region: { startLine: start.line + 1, startColumn: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1 },
          },
        }],
      };
    });
  });
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'netpol-lens', semanticVersion: version, version, rules } },
      columnKind: 'utf16CodeUnits',
      results: sarifResults,
    }],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

function toUri(file: string, cwd: string): string {
  const path = require('path') as typeof import('path');
  const rel = path.isAbsolute(file) ? path.relative(cwd, file) : file;
  return rel.split(path.sep).map(encodeURIComponent).join('/');
}
