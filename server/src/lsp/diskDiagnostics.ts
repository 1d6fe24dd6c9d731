/**
 * Problems for files that are not open: the workspace scan's findings (each file's own and the
 * workspace's, as the open-document path computes them) published for scanned files no editor
 * has open, as ESLint and the TypeScript server do, so the Problems panel lists the whole
 * workspace. Bounded: at most MAX_FILES files get diagnostics (in the scan's order) and at most
 * MAX_PER_FILE diagnostics each (errors first). A file's workspace findings are computed in steps
 * (a rule on a few policies per turn of the event loop, as for open documents), so a request
 * arriving meanwhile waits for one step, not for a whole 500-policy file; a pass starts over when
 * the workspace changes meanwhile. Only what changed since the last publication is sent
 * again. A file that is opened belongs to the open-document path (its entry is forgotten here, and
 * re-published after it is closed); a deleted file's entry is cleared; the setting
 * `netpolLens.workspaceDiagnostics: false` clears them all.
 */
import { Connection, Diagnostic as LspDiagnostic } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Diagnostic, Settings, withWorkspaceDiagnosticsSteps } from '../core';
import { toLspDiagnostic, withoutData } from './convert';
import { runStepsAcrossTurns } from './runSafe';
import { WorkspaceIndex } from './workspaceIndex';

/** Files that are not open getting diagnostics, at most. */
export const MAX_FILES = 500;
/** Diagnostics per file that is not open, at most (the most severe first). */
export const MAX_PER_FILE = 100;

export interface DiskDiagnosticsDeps {
  readonly connection: Connection;
  readonly index: WorkspaceIndex;
  readonly isOpen: (uri: string) => boolean;
  readonly enabled: () => boolean;
  readonly settings: () => Settings;
  readonly docsUrl: (code: string, slug: string) => string;
}

export class DiskDiagnostics {
  /** What was last sent per file (JSON), and the workspace generation it was computed from. */
  private readonly shown = new Map<string, { json: string; generation: number }>();
  private running: number | undefined;

  constructor(private readonly deps: DiskDiagnosticsDeps) {}

  /** Publishes (or refreshes) the diagnostics of the files that are not open, one per turn. */
  run(): void {
    const { index } = this.deps;
    const generation = index.generation;
    if (this.running === generation) return;
    this.running = generation;
    if (!this.deps.enabled()) {
      this.running = undefined;
      this.clearAll();
      return;
    }
    const uris = index.diskUris().filter((u) => !this.deps.isOpen(u));
    const wanted = new Set(uris.slice(0, MAX_FILES));
    // Files past the bound, or no longer scanned, lose what they had.
    for (const uri of [...this.shown.keys()]) if (!wanted.has(uri) && !this.deps.isOpen(uri)) this.clear(uri);
    const list = [...wanted];
    const step = (i: number): void => {
      if (this.running !== generation) return;
      if (index.generation !== generation || !this.deps.enabled()) {
        this.running = undefined;
        return this.run();
      }
      if (i >= list.length) {
        this.running = undefined;
        return;
      }
      const uri = list[i];
      if (this.shown.get(uri)?.generation === generation || this.deps.isOpen(uri)) return void setImmediate(() => step(i + 1));
      const fa = index.diskAnalysis(uri);
      const text = index.diskText(uri);
      if (!fa || text === undefined) {
        this.clear(uri);
        return void setImmediate(() => step(i + 1));
      }
      const settings = this.deps.settings();
      runStepsAcrossTurns(
        this.deps.connection,
        `workspace findings for ${uri}`,
        function* () {
          const ws = yield* index.workspaceSteps();
          return yield* withWorkspaceDiagnosticsSteps(fa.analysis.diagnostics, ws, uri, { text, settings });
        },
        // Superseded (the workspace changed, the file was opened): the next pass redoes it.
        () => this.running !== generation || index.generation !== generation || this.deps.isOpen(uri),
        (all) => this.publishOne(uri, text, all, generation),
        () => void setImmediate(() => step(i + 1)),
      );
    };
    step(0);
  }

  private publishOne(uri: string, text: string, all: readonly Diagnostic[], generation: number): void {
    const doc = TextDocument.create(uri, 'yaml', 0, text);
    const diagnostics: LspDiagnostic[] = [...all]
      .sort((a, b) => rank(a.severity) - rank(b.severity))
      .slice(0, MAX_PER_FILE)
      .sort((a, b) => a.span.start - b.span.start)
      // No version, no fix: quick fixes are offered once the file is open.
      .map((d) => withoutData(toLspDiagnostic(doc, d, this.deps.docsUrl)));
    const json = JSON.stringify(diagnostics);
    const before = this.shown.get(uri);
    this.shown.set(uri, { json, generation });
    if (before?.json === json) return;
    if (!before && diagnostics.length === 0) return;
    void this.deps.connection.sendDiagnostics({ uri, diagnostics });
  }

  /** The file is open now (the open-document path publishes) or gone: forget its entry. */
  forget(uri: string): void {
    this.shown.delete(uri);
  }

  /** Clears what was published for `uri` (deleted, or no longer within the bound). */
  clear(uri: string): void {
    const had = this.shown.get(uri);
    this.shown.delete(uri);
    if (had && had.json !== '[]') void this.deps.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  clearAll(): void {
    for (const uri of [...this.shown.keys()]) if (!this.deps.isOpen(uri)) this.clear(uri);
    this.shown.clear();
  }
}

function rank(severity: string): number {
  return severity === 'error' ? 0 : severity === 'warning' ? 1 : severity === 'info' ? 2 : 3;
}
