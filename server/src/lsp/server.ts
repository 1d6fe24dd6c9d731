/**
 * The language server: a thin shim over the core. It keeps open documents, reads settings,
 * analyses on open and (debounced) on change, publishes diagnostics with source "netpol", and
 * answers code actions from the fixes the diagnostics carry. Every handler is wrapped so a bug
 * answers empty instead of killing the server.
 */
import * as path from 'path';
import { pathToFileURL } from 'url';
import { CodeActionKind, CodeLens, CodeLensRefreshRequest, Connection, Diagnostic as LspDiagnostic, DidChangeConfigurationNotification, DidChangeWatchedFilesNotification, FileChangeType, Hover, InitializeResult, MarkupKind, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileURLToPath } from 'url';
import { assertionChecks, buildPlan, EXPECT_MARKER, primeHoverSteps, renderAssertionChecksText, runAssertions, describePolicies, describePolicy, getHover, listPolicies, renderPlanText, setLocale, t, withWorkspaceDiagnosticsSteps } from '../core';
import type { Diagnostic as CoreDiagnostic } from '../core';
import { quickFixes, setOpenDocuments, toLspDiagnostic, toRange, withoutData } from './convert';
import { lineLocatorOf } from './paths';
import { assertionLenses } from './assertions';
import { WorkspaceIndex } from './workspaceIndex';
import { runSafe, runStepsAcrossTurns, setActivityHook } from './runSafe';
import { idleCollector } from '../node/idleGc';
import { SELECT_RANGE_COMMAND, startAuthoring } from './authoring';
import { DiskDiagnostics } from './diskDiagnostics';
import { relativizeText, WATCHED_FILES } from './paths';
import { startReachability } from './reachability';
import { DEFAULT_SETTINGS, readSettings, ServerSettings } from './settings';
import { startSemanticDiff } from './semanticDiff';

export interface ServerOptions {
  /** Milliseconds to wait after a change before analysing; 0 analyses at once. */
  readonly debounceMs?: number;
  /** Collect garbage once idle after heavy work (node/idleGc.ts); default true. */
  readonly idleGc?: boolean;
}

/** A document whose last incremental analysis took less than this is analysed on the next turn after an edit, without the debounce. */
export const CHEAP_ANALYSIS_MS = 50;

/** Documents larger than this get one diagnostic saying so instead of an analysis. */
export const MAX_DOCUMENT_CHARS = 32 * 1024 * 1024;

export function startServer(connection: Connection, options: ServerOptions = {}): void {
  const documents = new TextDocuments(TextDocument);
  const debounceMs = options.debounceMs ?? 150;
  const idle = options.idleGc === false ? undefined : idleCollector();
  setActivityHook(idle ? () => idle.activity() : undefined);
  /** Pending analyses per document: a timer (the debounce) or an immediate (the next turn). */
  const timers = new Map<string, { cancel(): void }>();
  let settings: ServerSettings = DEFAULT_SETTINGS;
  let pullConfiguration = false;
  let docsBase = pathToFileURL(path.join(__dirname, '..', 'docs', 'rules')).href + '/';
  const index = new WorkspaceIndex({}, (msg) => connection.console.log(`netpol-lens: ${msg}`));
  // Related locations (an assertion's deciding policy, a duplicate name) land in open documents or
  // in the scanned files' texts: one line index per text, kept while the text is the same.
  const diskDocs = new Map<string, TextDocument>();
  setOpenDocuments((uri) => {
    const open = documents.get(uri);
    if (open) return open;
    const text = index.diskText(uri);
    if (text === undefined) return undefined;
    let d = diskDocs.get(uri);
    if (!d || d.getText() !== text) {
      if (diskDocs.size >= 1000) diskDocs.clear();
      diskDocs.set(uri, (d = TextDocument.create(uri, 'yaml', 0, text)));
    }
    return d;
  });
  let folders: string[] = [];
  /** Whether the client re-asks for code lenses on request (the "✓ holds" of assertions follow other files' edits). */
  let codeLensRefresh = false;

  const docsUrl = (code: string, slug: string): string => `${docsBase}${code}-${slug}.md`;
  /** Client commands the client said it runs (initializationOptions.clientCommands). */
  let clientCommands: string[] = [];
  /** The client supports dynamic registration of workspace/didChangeWatchedFiles, and does not watch files itself. */
  let registerWatchers = false;
  const authoring = startAuthoring(connection, { documents, world: (uri) => (syncOpen(uri), index.workspace().world), canSelect: () => clientCommands.includes(SELECT_RANGE_COMMAND) });
  const diskDiagnostics = new DiskDiagnostics({
    connection,
    index,
    isOpen: (uri) => !!documents.get(uri),
    enabled: () => settings.enable && settings.workspaceDiagnostics,
    settings: () => ({ severity: settings.severity }),
    docsUrl: (code, slug) => docsUrl(code, slug),
  });
  const reachability = startReachability(connection, { documents, index, syncOpen, folders: () => folders });
  // Semantic diff against the baseline (HEAD from the client, else the text at open): code lens, hover block, detail.
  const semanticDiff = startSemanticDiff(connection, {
    documents,
    workspace: (uri) => (documents.get(uri) && !tooLarge(documents.get(uri)!.getText()) ? (syncOpen(uri), index.workspace()) : undefined),
    generation: () => index.generation,
    enabled: () => settings.enable,
  });

  connection.onInitialize((params): InitializeResult => {
    setLocale(params.locale);
    const init = (params.initializationOptions ?? {}) as Record<string, unknown>;
    if (typeof init.docsBaseUrl === 'string') docsBase = init.docsBaseUrl.endsWith('/') ? init.docsBaseUrl : init.docsBaseUrl + '/';
    if (init.settings) settings = readSettings(init.settings);
    if (Array.isArray(init.clientCommands)) clientCommands = init.clientCommands.filter((c): c is string => typeof c === 'string');
    // VS Code's client watches the files itself (synchronize.fileEvents) and says so: registering
    // watchers too would deliver every event twice.
    registerWatchers = !!params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration && init.watchesFiles !== true;
    pullConfiguration = !!params.capabilities.workspace?.configuration;
    codeLensRefresh = !!params.capabilities.workspace?.codeLens?.refreshSupport;
    const roots = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    folders = roots.flatMap((u) => {
      try {
        return u.startsWith('file:') ? [fileURLToPath(u)] : [];
      } catch {
        return [];
      }
    });
    return {
      capabilities: authoring.capabilities({
        textDocumentSync: TextDocumentSyncKind.Incremental,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        hoverProvider: true,
        codeLensProvider: { resolveProvider: false },
      }),
      serverInfo: { name: 'netpol-lens-server', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    if (folders.length) {
      const started = Date.now();
      void index.scan(folders).then(
        (n) => {
          connection.console.log(`netpol-lens: scanned ${n} YAML files (${index.diskFileCount} with NetworkPolicies, workloads or assertions) in ${Date.now() - started} ms`);
          // Prime (the peer masks and a few policy hovers, in steps), then the findings.
          prime();
          scheduleRefresh(0);
        },
        (err) => connection.console.error(`netpol-lens: ${t('workspace scan failed: {0}', (err as Error).message)}`),
      );
    }
    if (registerWatchers) {
      // A manifest created after the start (a git checkout, another terminal) is then seen.
      void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: WATCHED_FILES }] }).catch((err) => connection.console.warn(`netpol-lens: ${t('could not register file watchers: {0}', (err as Error).message)}`));
    }
    if (pullConfiguration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'netpolLens' }).catch(() => undefined);
      void refreshSettings();
    }
  });

  /** Takes new settings; re-analyses everything only when they differ from the current ones. */
  function applySettings(raw: unknown): void {
    const next = readSettings(raw);
    if (JSON.stringify(next) === JSON.stringify(settings)) return;
    const onlyDisk = next.enable === settings.enable && JSON.stringify(next.severity) === JSON.stringify(settings.severity);
    settings = next;
    if (onlyDisk) return diskDiagnostics.run();
    index.setSettings({ severity: settings.severity });
    for (const doc of documents.all()) validate(doc);
    scheduleRefresh(0);
  }

  async function refreshSettings(): Promise<void> {
    try {
      applySettings(await connection.workspace.getConfiguration('netpolLens'));
    } catch (err) {
      connection.console.warn(`netpol-lens: ${t('could not read settings: {0}', (err as Error).message)}`);
    }
  }

  connection.onDidChangeConfiguration((change) => {
    if (pullConfiguration) void refreshSettings();
    else {
      applySettings((change.settings as Record<string, unknown> | undefined)?.netpolLens);
    }
  });

  /** What was last published per open file, with each diagnostic's `data` (its quick fixes: convert.ts quickFixes finds them here). */
  const published = new Map<string, LspDiagnostic[]>();
  /**
   * Publishes without `data`: the fixes stay in `published`. They are a third of the bytes of a
   * publish, and each keystroke publishes the whole file's diagnostics.
   */
  function publish(uri: string, version: number | undefined, diagnostics: LspDiagnostic[]): void {
    published.set(uri, diagnostics);
    void connection.sendDiagnostics({ uri, version, diagnostics: diagnostics.map(withoutData) });
  }

  /** How long each document's last incremental analysis took: cheap ones are analysed without debounce (unknown counts as cheap). */
  const lastCost = new Map<string, number>();

  /** Pending workspace passes (NP4xx, and NP302 less what other policies allow), per document. */
  const workspaceTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** How long a workspace pass waits after the last edit: it rebuilds the world, so not per keystroke. */
  const WORKSPACE_DELAY_MS = 300;

  function tooLarge(text: string): boolean {
    return text.length > MAX_DOCUMENT_CHARS;
  }

  /**
   * Two phases: the file's own findings are published at once (incremental, cheap); the
   * workspace's findings for it follow once typing pauses, for the same version if still current.
   */
  function validate(doc: TextDocument, workspaceDelay = WORKSPACE_DELAY_MS): void {
    const version = doc.version;
    const started = Date.now();
    runSafe(connection, `analysing ${doc.uri}`, undefined, undefined, () => {
      if (!settings.enable) {
        publish(doc.uri, undefined, []);
        return;
      }
      const text = doc.getText();
      if (tooLarge(text)) {
        // Always publish, so diagnostics of a smaller earlier version do not linger.
        published.delete(doc.uri);
        const big = /\bkind:\s*["']?NetworkPolicy\b/.test(text.slice(0, 1 << 20));
        void connection.sendDiagnostics({
          uri: doc.uri,
          version,
          diagnostics: big ? [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: 3, source: 'netpol', message: t('This file has {0} characters, over the {1} NetworkPolicy Lens analyses in the editor; run netpol-lens check on it instead.', text.length, MAX_DOCUMENT_CHARS) }] : [],
        });
        return;
      }
      const incremental = index.hasOpen(doc.uri);
      const analysis = index.analyzeOpen(doc.uri, version, text).analysis;
      // The debounce follows what an edit costs: a first (whole-file) analysis says nothing about that.
      if (incremental) lastCost.set(doc.uri, Date.now() - started);
      else {
        lastCost.delete(doc.uri);
        // A whole file was analysed: collect its garbage before the first keystroke, not in it.
        idle?.workDone();
      }
      // A newer edit arrived while we worked: its own analysis will publish.
      if (documents.get(doc.uri)?.version !== version) return;
      publish(doc.uri, version, analysis.diagnostics.map((d) => toLspDiagnostic(doc, d, docsUrl)));
      const old = workspaceTimers.get(doc.uri);
      if (old) clearTimeout(old);
      workspaceTimers.set(doc.uri, setTimeout(() => {
        workspaceTimers.delete(doc.uri);
        workspacePass(doc, version, analysis.diagnostics, text);
      }, workspaceDelay));
    });
  }

  /**
   * The workspace findings for one version of a document, in steps across turns of the event loop
   * (the world first, then a rule on a few policies per step), so an edit or a hover arriving
   * meanwhile is served first; a newer edit of the document abandons the pass (its own follows).
   */
  function workspacePass(doc: TextDocument, version: number, fileDiagnostics: readonly CoreDiagnostic[], text: string): void {
    const label = `workspace findings for ${doc.uri}`;
    const superseded = () => documents.get(doc.uri)?.version !== version || !settings.enable || timers.has(doc.uri) || workspaceTimers.has(doc.uri);
    let steps: Generator<void, CoreDiagnostic[], void> | undefined;
    let generation = 0;
    const step = (): void => {
      const more = runSafe(connection, label, false, undefined, () => {
        if (superseded()) return false;
        if (!steps) {
          generation = index.generation;
          steps = workspaceFindingsSteps(fileDiagnostics, doc.uri, text);
          return true;
        }
        const r = steps.next();
        if (!r.done) return true;
        publish(doc.uri, version, r.value.map((d) => toLspDiagnostic(doc, d, docsUrl)));
        shownGeneration.set(doc.uri, generation);
        // This document's change may change what the others' workspace findings say.
        scheduleRefresh(0);
        return false;
      });
      if (more) setImmediate(step);
    };
    step();
  }

  /**
   * Policies a workspace rule judges per step: an edit arriving meanwhile waits for one step (a
   * rule on 10 policies of a 1,000-policy file: a few milliseconds, cold code included).
   */
  const STEP_POLICIES = 10;

  /** A file's workspace findings in steps, the World first (its policies compiled a chunk per step when it must be rebuilt). */
  function* workspaceFindingsSteps(fileDiagnostics: readonly CoreDiagnostic[], uri: string, text: string): Generator<void, CoreDiagnostic[], void> {
    const ws = yield* index.workspaceSteps();
    return yield* withWorkspaceDiagnosticsSteps(fileDiagnostics, ws, uri, { text, settings: { severity: settings.severity } }, STEP_POLICIES);
  }

  /** Per open document: the workspace generation its published workspace findings were computed from. */
  const shownGeneration = new Map<string, number>();
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;

  /** Refreshes, after `delay`, the workspace findings of open documents computed from an older workspace. */
  /** The generation priming last ran for (or runs for). */
  let primedGeneration: number | undefined;

  /**
   * Primes the current World for hovers (core/ide/prime.ts), in steps between requests: after the
   * scan, and again each time a changed World has settled (the end of a workspace pass). Stops when
   * the workspace changes meanwhile; the pass that follows primes the new World.
   */
  function prime(): void {
    const generation = index.generation;
    if (primedGeneration === generation || !settings.enable) return;
    primedGeneration = generation;
    runStepsAcrossTurns(
      connection,
      'priming',
      function* () {
        const ws = yield* index.workspaceSteps();
        return yield* primeHoverSteps(ws.world);
      },
      () => index.generation !== generation || !settings.enable,
      // A World built and primed: collect the garbage of building it before the next hovers.
      () => idle?.workDone(),
    );
  }

  function scheduleRefresh(delay = WORKSPACE_DELAY_MS): void {
    if (refreshTimer) clearTimeout(refreshTimer);
    refreshTimer = setTimeout(refreshStale, delay);
  }

  /**
   * One document per turn of the event loop, so requests and edits keep being served; starts over
   * if the workspace changes meanwhile. Documents with their own analysis pending are skipped
   * (their own workspace pass follows).
   */
  function refreshStale(): void {
    refreshTimer = undefined;
    reachability.worldChanged();
    const generation = index.generation;
    const stale = documents.all().filter((d) => shownGeneration.get(d.uri) !== generation && !timers.has(d.uri) && !workspaceTimers.has(d.uri));
    const step = (i: number): void => {
      if (index.generation !== generation) return scheduleRefresh();
      if (i >= stale.length) {
        prime();
        return diskDiagnostics.run();
      }
      const doc = stale[i];
      const next = (): void => void setImmediate(() => step(i + 1));
      const fa = runSafe(connection, `workspace findings for ${doc.uri}`, undefined, undefined, () => {
        if (documents.get(doc.uri) !== doc || !settings.enable || tooLarge(doc.getText())) return undefined;
        const a = index.analyzeOpen(doc.uri, doc.version, doc.getText());
        // analyzeOpen of a version not seen yet changes the workspace: that document's own pass publishes.
        return index.generation === generation ? a : undefined;
      });
      if (!fa) return next();
      const text = doc.getText();
      // In steps, as the document's own pass: a hover or an edit waits for one step, not for the file.
      runStepsAcrossTurns(
        connection,
        `workspace findings for ${doc.uri}`,
        () => workspaceFindingsSteps(fa.analysis.diagnostics, doc.uri, text),
        () => documents.get(doc.uri) !== doc || !settings.enable || index.generation !== generation || timers.has(doc.uri) || workspaceTimers.has(doc.uri),
        (all) => {
          publish(doc.uri, doc.version, all.map((d) => toLspDiagnostic(doc, d, docsUrl)));
          shownGeneration.set(doc.uri, generation);
          // Another file changed this one's workspace: its assertions' "✓ holds" lenses may be stale.
          if (codeLensRefresh && settings.showPassing && text.includes(EXPECT_MARKER)) void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
        },
        next,
      );
    };
    step(0);
  }

  function schedule(doc: TextDocument, delay0: number): void {
    timers.get(doc.uri)?.cancel();
    timers.delete(doc.uri);
    // Incremental analysis usually costs a few milliseconds: then answer on the next turn of the
    // event loop (an immediate: the edits already read still coalesce, and no timer's millisecond
    // is waited); slow documents keep the debounce.
    const cheap = delay0 > 0 && (lastCost.get(doc.uri) ?? 0) < CHEAP_ANALYSIS_MS;
    if (delay0 <= 0) {
      validate(doc);
      return;
    }
    const run = (): void => {
      timers.delete(doc.uri);
      const current = documents.get(doc.uri);
      if (current) validate(current);
    };
    if (cheap) {
      const immediate = setImmediate(run);
      timers.set(doc.uri, { cancel: () => clearImmediate(immediate) });
    } else {
      const timer = setTimeout(run, delay0);
      timers.set(doc.uri, { cancel: () => clearTimeout(timer) });
    }
  }

  // didOpen also fires a content change for the opened version; analyse that version once.
  const openedAt = new Map<string, number>();
  documents.onDidOpen((e) => {
    diskDiagnostics.forget(e.document.uri);
    openedAt.set(e.document.uri, e.document.version);
    schedule(e.document, 0);
  });
  documents.onDidChangeContent((e) => {
    if (openedAt.get(e.document.uri) === e.document.version) return;
    schedule(e.document, debounceMs);
  });
  documents.onDidClose((e) => {
    openedAt.delete(e.document.uri);
    lastCost.delete(e.document.uri);
    index.closeOpen(e.document.uri);
    published.delete(e.document.uri);
    shownGeneration.delete(e.document.uri);
    scheduleRefresh();
    timers.get(e.document.uri)?.cancel();
    timers.delete(e.document.uri);
    const pass = workspaceTimers.get(e.document.uri);
    if (pass) clearTimeout(pass);
    workspaceTimers.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onCodeAction((params, token) =>
    runSafe(connection, 'code actions', [], token, () => [...quickFixes(params.textDocument.uri, params.context.diagnostics, published.get(params.textDocument.uri), documents.get(params.textDocument.uri)?.version), ...authoring.codeActions(params)]),
  );

  connection.onCompletion((params, token) => runSafe(connection, 'completion', { isIncomplete: false, items: [] }, token, () => authoring.completions(params)));

  connection.onDidChangeWatchedFiles((params) => {
    for (const ch of params.changes) {
      if (ch.type === FileChangeType.Deleted) index.forget(ch.uri);
      else index.refreshFile(ch.uri);
      if (!documents.get(ch.uri) && !index.diskAnalysis(ch.uri)) diskDiagnostics.clear(ch.uri);
    }
    scheduleRefresh();
  });

  connection.onHover((params, token): Hover | null =>
    runSafe(connection, 'hover', null, token, () => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc || !settings.enable) return null;
      if (tooLarge(doc.getText())) return null;
      const fa = index.analyzeOpen(doc.uri, doc.version, doc.getText());
      if (fa.analysis.policies.length === 0) return null;
      const h = getHover(index.workspace().world, fa.analysis.policies, doc.uri, doc.offsetAt(params.position));
      const changed = semanticDiff.hoverBlock(doc.uri, doc.offsetAt(params.position));
      if (changed && h) return { contents: { kind: MarkupKind.Markdown, value: `${changed}\n\n---\n\n${h.markdown}` }, range: toRange(doc, h.span) };
      return h ? { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: toRange(doc, h.span) } : null;
    }),
  );

  connection.onCodeLens((params, token): CodeLens[] =>
    runSafe(connection, 'code lens', [], token, () => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc || !settings.enable) return [];
      if (tooLarge(doc.getText())) return [];
      const fa = index.analyzeOpen(doc.uri, doc.version, doc.getText());
      const describeLenses = fa.analysis.policies.map((p, i) => ({
        // On the policy's first line (above `apiVersion:`), where editors show a lens for the whole object.
        range: toRange(doc, { start: p.base + p.doc.node.span.start, end: p.base + p.doc.node.span.start }),
        command: { title: 'kubectl describe', command: 'netpolLens.describe', arguments: [doc.uri, i] },
      }));
      return [...describeLenses, ...semanticDiff.codeLenses(doc), ...assertionLenses(doc, () => index.workspace().world, settings.showPassing)];
    }),
  );

  /** Makes sure an open document's latest text is what the workspace holds. */
  /** Makes the workspace hold an open document's latest text (documents over the size limit are left out). */
  function syncOpen(uri: string): void {
    const doc = documents.get(uri);
    if (doc && !tooLarge(doc.getText())) index.analyzeOpen(doc.uri, doc.version, doc.getText());
  }

  connection.onRequest('netpolLens/describe', (params: { uri: string; index?: number }, token) =>
    runSafe(connection, 'describe', '', token, () => {
      syncOpen(params.uri);
      const entries = listPolicies(index.workspace()).filter((e) => e.file === params.uri);
      if (entries.length === 0) return t('No NetworkPolicy in this file.') + '\n';
      const one = typeof params.index === 'number' ? entries[params.index] : undefined;
      return relativizeText(one ? describePolicy(one) : describePolicies(entries), folders);
    }),
  );

  connection.onRequest('netpolLens/plan', (params: { uri?: string }, token) =>
    runSafe(connection, 'plan', '', token, () => {
      if (params.uri) syncOpen(params.uri);
      const world = index.workspace().world;
      // `file:line` for each policy, paths relative to the workspace folder.
      const locate = lineLocatorOf((uri) => documents.get(uri)?.getText() ?? index.diskText(uri));
      // Every assertion of the workspace gets its kubectl check too: the open documents' as edited,
      // the other scanned files' as on disk (in scan order, after the open ones).
      const open = documents.all().filter((d) => !tooLarge(d.getText())).map((d) => ({ file: d.uri, text: d.getText() }));
      const onDisk = index.diskUris().filter((u) => !documents.get(u)).flatMap((u) => {
        const text = index.diskText(u);
        return text !== undefined && text.includes(EXPECT_MARKER) ? [{ file: u, text }] : [];
      });
      return relativizeText(renderPlanText(buildPlan(world, { locate })) + renderAssertionChecksText(assertionChecks(runAssertions(world, [...open, ...onDisk], locate), locate)), folders);
    }),
  );

  documents.listen(connection);
  connection.listen();
}
