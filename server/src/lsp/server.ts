/**
 * The language server: a thin shim over the core. It keeps open documents, reads settings,
 * analyses on open and (debounced) on change, publishes diagnostics with source "netpol", and
 * answers code actions from the fixes the diagnostics carry. Every handler is wrapped so a bug
 * answers empty instead of killing the server.
 */
import * as path from 'path';
import { pathToFileURL } from 'url';
import { CodeActionKind, Connection, DidChangeConfigurationNotification, InitializeResult, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeText } from '../core';
import { quickFixes, toLspDiagnostic } from './convert';
import { runSafe } from './runSafe';
import { DEFAULT_SETTINGS, readSettings, ServerSettings } from './settings';

export interface ServerOptions {
  /** Milliseconds to wait after a change before analysing; 0 analyses at once. */
  readonly debounceMs?: number;
}

/** Documents larger than this get one diagnostic saying so instead of an analysis. */
export const MAX_DOCUMENT_CHARS = 32 * 1024 * 1024;

export function startServer(connection: Connection, options: ServerOptions = {}): void {
  const documents = new TextDocuments(TextDocument);
  const debounceMs = options.debounceMs ?? 150;
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  let settings: ServerSettings = DEFAULT_SETTINGS;
  let pullConfiguration = false;
  let docsBase = pathToFileURL(path.join(__dirname, '..', 'docs', 'rules')).href + '/';

  const docsUrl = (code: string, slug: string): string => `${docsBase}${code}-${slug}.md`;

  connection.onInitialize((params): InitializeResult => {
    const init = (params.initializationOptions ?? {}) as Record<string, unknown>;
    if (typeof init.docsBaseUrl === 'string') docsBase = init.docsBaseUrl.endsWith('/') ? init.docsBaseUrl : init.docsBaseUrl + '/';
    if (init.settings) settings = readSettings(init.settings);
    pullConfiguration = !!params.capabilities.workspace?.configuration;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      },
      serverInfo: { name: 'netpol-lens-server', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    if (pullConfiguration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'netpolLens' }).catch(() => undefined);
      void refreshSettings();
    }
  });

  async function refreshSettings(): Promise<void> {
    try {
      const raw = await connection.workspace.getConfiguration('netpolLens');
      settings = readSettings(raw);
    } catch (err) {
      connection.console.warn(`netpol-lens: could not read settings: ${(err as Error).message}`);
    }
    for (const doc of documents.all()) validate(doc);
  }

  connection.onDidChangeConfiguration((change) => {
    if (pullConfiguration) void refreshSettings();
    else {
      const raw = (change.settings as Record<string, unknown> | undefined)?.netpolLens;
      settings = readSettings(raw);
      for (const doc of documents.all()) validate(doc);
    }
  });

  function validate(doc: TextDocument): void {
    const version = doc.version;
    runSafe(connection, `analysing ${doc.uri}`, undefined, undefined, () => {
      if (!settings.enable) {
        void connection.sendDiagnostics({ uri: doc.uri, diagnostics: [] });
        return;
      }
      const text = doc.getText();
      if (text.length > MAX_DOCUMENT_CHARS) {
        if (/\bkind:\s*["']?NetworkPolicy\b/.test(text.slice(0, 1 << 20))) {
          void connection.sendDiagnostics({
            uri: doc.uri,
            version,
            diagnostics: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: 3, source: 'netpol', message: `This file has ${text.length} characters, over the ${MAX_DOCUMENT_CHARS} NetworkPolicy Lens analyses in the editor; run netpol-lens check on it instead.` }],
          });
        }
        return;
      }
      const analysis = analyzeText(text, { severity: settings.severity });
      // A newer edit arrived while we worked: its own analysis will publish.
      if (documents.get(doc.uri)?.version !== version) return;
      const diagnostics = analysis.diagnostics.map((d) => toLspDiagnostic(doc, d, docsUrl));
      void connection.sendDiagnostics({ uri: doc.uri, version, diagnostics });
    });
  }

  function schedule(doc: TextDocument, delay: number): void {
    const old = timers.get(doc.uri);
    if (old) clearTimeout(old);
    if (delay <= 0) {
      timers.delete(doc.uri);
      validate(doc);
      return;
    }
    timers.set(doc.uri, setTimeout(() => {
      timers.delete(doc.uri);
      const current = documents.get(doc.uri);
      if (current) validate(current);
    }, delay));
  }

  documents.onDidOpen((e) => schedule(e.document, 0));
  documents.onDidChangeContent((e) => {
    // didOpen also fires a content change; the open handler already analysed that version.
    if (e.document.version === 0 || e.document.version === 1) return;
    schedule(e.document, debounceMs);
  });
  documents.onDidClose((e) => {
    const t = timers.get(e.document.uri);
    if (t) clearTimeout(t);
    timers.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onCodeAction((params, token) =>
    runSafe(connection, 'code actions', [], token, () => quickFixes(params.textDocument.uri, params.context.diagnostics)),
  );

  documents.listen(connection);
  connection.listen();
}
