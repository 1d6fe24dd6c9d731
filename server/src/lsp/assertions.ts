/**
 * The editor's side of connectivity assertions (`# netpol-lens expect:` comments, core/ide/expect):
 * the "✓ holds" code lenses of passing assertions (setting netpolLens.assertions.showPassing),
 * completion inside an assertion, and the relatedInformation links of NP501 to the deciding
 * policies in any file of the workspace (open documents first, else the file on disk).
 */
import * as fs from 'fs';
import { fileURLToPath } from 'url';
import { CodeLens, CompletionItem, CompletionItemKind, DiagnosticRelatedInformation, Position } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { checkFileAssertions, completeAssertion, EXPECT_MARKER, t } from '../core';
import type { CompletionEntry, RelatedLocation, World } from '../core';

const KINDS: Record<CompletionEntry['kind'], CompletionItemKind> = {
  field: CompletionItemKind.Field,
  enum: CompletionItemKind.EnumMember,
  labelKey: CompletionItemKind.Property,
  labelValue: CompletionItemKind.Reference,
  namespace: CompletionItemKind.Module,
  port: CompletionItemKind.Value,
};

/** Completion items when the cursor is inside an assertion comment; undefined elsewhere. */
export function assertionCompletions(doc: TextDocument, position: Position, world: () => World | undefined): CompletionItem[] | undefined {
  const entries = completeAssertion(doc.getText(), doc.offsetAt(position), world);
  if (!entries) return undefined;
  return entries.map((e) => ({
    label: e.label,
    kind: KINDS[e.kind],
    detail: e.detail,
    sortText: e.sortText,
    textEdit: { range: { start: doc.positionAt(e.start), end: doc.positionAt(e.end) }, newText: e.newText },
  }));
}

/** "✓ holds" over each passing assertion of the document. */
export function assertionLenses(doc: TextDocument, world: () => World, showPassing: boolean): CodeLens[] {
  if (!showPassing) return [];
  const text = doc.getText();
  // Only a file with assertions asks for the World (rebuilding it is not a per-keystroke cost).
  if (!text.includes(EXPECT_MARKER)) return [];
  return checkFileAssertions(world(), doc.uri, text)
    .filter((r) => r.status === 'pass')
    .map((r) => ({
      range: { start: doc.positionAt(r.assertion.body.start), end: doc.positionAt(r.assertion.body.end) },
      command: { title: r.pairs && r.pairs > 1 ? t('✓ holds ({0} pod pairs)', r.pairs) : t('✓ holds'), command: '' },
    }));
}

/** Where related places land: the open document's text, else the file on disk (read once per call). */
export function relatedInformation(related: readonly RelatedLocation[] | undefined, open: (uri: string) => TextDocument | undefined): DiagnosticRelatedInformation[] | undefined {
  if (!related?.length) return undefined;
  const texts = new Map<string, TextDocument | undefined>();
  const docOf = (uri: string): TextDocument | undefined => {
    if (texts.has(uri)) return texts.get(uri);
    let d = open(uri);
    if (!d) {
      try {
        d = TextDocument.create(uri, 'yaml', 0, fs.readFileSync(uri.startsWith('file:') ? fileURLToPath(uri) : uri, 'utf8'));
      } catch {
        d = undefined;
      }
    }
    texts.set(uri, d);
    return d;
  };
  const out: DiagnosticRelatedInformation[] = [];
  for (const r of related) {
    const d = docOf(r.file);
    if (!d) continue;
    out.push({ location: { uri: r.file, range: { start: d.positionAt(r.span.start), end: d.positionAt(r.span.start) } }, message: r.message });
  }
  return out;
}
