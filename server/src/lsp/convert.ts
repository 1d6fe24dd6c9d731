/** Converts core data (offset spans, plain diagnostics and fixes) to LSP types, and back. */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { CodeAction, CodeActionKind, Diagnostic as LspDiagnostic, DiagnosticSeverity, Range, TextEdit } from 'vscode-languageserver';
import type { Diagnostic, Fix, Severity, Span } from '../core';
import { relatedInformation } from './assertions';

/** The open documents, for relatedInformation that points into them (set by the server). */
let openDocument: (uri: string) => TextDocument | undefined = () => undefined;
export function setOpenDocuments(lookup: (uri: string) => TextDocument | undefined): void {
  openDocument = lookup;
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toRange(doc: TextDocument, s: Span): Range {
  return { start: doc.positionAt(s.start), end: doc.positionAt(s.end) };
}

/** What a published diagnostic carries in `data` so code actions need not re-analyse. */
export interface DiagnosticData {
  readonly fix?: { readonly title: string; readonly edits: readonly { readonly range: Range; readonly newText: string }[] };
  /** Other fixes for the same diagnostic, offered after `fix`. */
  readonly more?: readonly NonNullable<DiagnosticData['fix']>[];
  /** The document version the fix's ranges belong to. */
  readonly version?: number;
}

export function toLspDiagnostic(doc: TextDocument, d: Diagnostic, docsUrl: (code: string, slug: string) => string): LspDiagnostic {
  const data: DiagnosticData = d.fix ? { fix: toLspFix(doc, d.fix), ...(d.moreFixes?.length ? { more: d.moreFixes.map((f) => toLspFix(doc, f)) } : {}), version: doc.version } : {};
  return {
    range: toRange(doc, d.span),
    severity: SEVERITY[d.severity],
    code: d.code,
    codeDescription: { href: docsUrl(d.code, d.slug) },
    source: 'netpol',
    message: d.path ? `${d.path}: ${d.message}` : d.message,
    data,
    ...(d.related?.length ? { relatedInformation: relatedInformation(d.related, (uri) => (uri === doc.uri ? doc : openDocument(uri))) } : {}),
  };
}

/** The diagnostic as published: without `data` (the server keeps it and finds the fixes by code, message and range). */
export function withoutData(d: LspDiagnostic): LspDiagnostic {
  const { data: _data, ...rest } = d;
  return rest;
}

function toLspFix(doc: TextDocument, fix: Fix): NonNullable<DiagnosticData['fix']> {
  return { title: fix.title, edits: fix.edits.map((e) => ({ range: toRange(doc, e.span), newText: e.newText })) };
}

function sameDiagnostic(a: LspDiagnostic, b: LspDiagnostic): boolean {
  return (
    a.code === b.code &&
    a.message === b.message &&
    a.range.start.line === b.range.start.line &&
    a.range.start.character === b.range.start.character &&
    a.range.end.line === b.range.end.line &&
    a.range.end.character === b.range.end.character
  );
}

/**
 * Quick fixes for the diagnostics the client sends back: from their `data` when they carry it, else
 * from the same diagnostic (code, message, range) in what the server last published for the file
 * (the server publishes without `data` and keeps it, see `withoutData`).
 * A fix computed for another version of the document than `version` (the one the server holds
 * now) is not offered: its ranges would land on the wrong text.
 */
export function quickFixes(uri: string, diagnostics: readonly LspDiagnostic[], published: readonly LspDiagnostic[] = [], version?: number): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of diagnostics) {
    if (d.source !== 'netpol') continue;
    const data = ((d.data as DiagnosticData | undefined)?.fix ? d.data : published.find((p) => sameDiagnostic(p, d))?.data) as DiagnosticData | undefined;
    const fix = data?.fix;
    if (!fix || (version !== undefined && data.version !== version)) continue;
    out.push({
      title: fix.title,
      kind: CodeActionKind.QuickFix,
      diagnostics: [d],
      isPreferred: true,
      edit: { changes: { [uri]: fix.edits.map((e) => TextEdit.replace(e.range, e.newText)) } },
    });
    for (const more of data.more ?? []) {
      out.push({ title: more.title, kind: CodeActionKind.QuickFix, diagnostics: [d], edit: { changes: { [uri]: more.edits.map((e) => TextEdit.replace(e.range, e.newText)) } } });
    }
  }
  return out;
}
