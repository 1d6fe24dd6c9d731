/**
 * The server's view of the workspace: the analysis of every relevant YAML file on disk (scanned
 * once, then kept current from file-watch events) and of every open document (which wins over
 * its file on disk). The combined World is rebuilt lazily after a change. The scan reads only
 * inside the workspace folders, skips node_modules/.git, files over the size limit and symlink
 * loops, and yields between files so requests keep being answered.
 */
import { fileURLToPath, pathToFileURL } from 'url';
import { AliasBudget, aliasBudgetSpentLine, analyzeFile, analyzeIncremental, buildWorkspace, buildWorkspaceSteps, ChunkCache, EXPECT_MARKER, FileAnalysis, newAliasBudget, newChunkCache, Settings, Workspace } from '../core';
import { checkPath, MANIFEST_FILE, readCapped, realRoots, walkInputs } from '../node/files';

export const MAX_SCAN_FILE_BYTES = 4 * 1024 * 1024;
export const MAX_SCAN_FILES = 20000;
const RELEVANT = /^\s*kind:\s*["']?(?:(?:NetworkPolicy|Namespace|Pod|Deployment|StatefulSet|DaemonSet|ReplicaSet|ReplicationController|Job|CronJob)(?:List)?|List)["']?\s*$/m;
/** The same kinds in JSON (`kubectl get pods -o json`). */
const RELEVANT_JSON = /"kind"\s*:\s*"(?:(?:NetworkPolicy|Namespace|Pod|Deployment|StatefulSet|DaemonSet|ReplicaSet|ReplicationController|Job|CronJob)(?:List)?|List)"/;

export class WorkspaceIndex {
  private readonly disk = new Map<string, FileAnalysis>();
  /** The text of each file in `disk` (positions for the diagnostics of files that are not open, plan lines). */
  private readonly diskTexts = new Map<string, string>();
  /**
   * `asOnDisk`: the document's text is the text its file had when read, so the World (built from
   * either) is the same; opening or closing such a document keeps the World and its caches.
   */
  private readonly open = new Map<string, { version: number; analysis: FileAnalysis; cache: ChunkCache; text: string; asOnDisk: boolean }>();
  private cached: Workspace | undefined;
  private gen = 0;
  /** The real paths of the workspace folders (set by scan): files that resolve elsewhere are not read. */
  private roots: string[] = [];
  /**
   * The alias budget of the files read from disk, all together (core/syntax/tree.ts), and what
   * each file spent of it: a file read again gives back what it spent before.
   */
  private aliases: AliasBudget = newAliasBudget();
  private readonly aliasSpent = new Map<string, number>();

  /** Bumped whenever the workspace's content changes (an open document's new version, a file on disk). */
  get generation(): number {
    return this.gen;
  }

  private invalidate(): void {
    this.cached = undefined;
    this.gen++;
  }

  constructor(private settings: Settings, private readonly log: (msg: string) => void) {}

  setSettings(settings: Settings): void {
    this.settings = settings;
    this.open.clear();
    this.resetAliasBudget();
    for (const uri of [...this.disk.keys()]) this.refreshFile(uri);
    this.invalidate();
  }

  /**
   * The analysis of an open document at this version: computed once per version, and
   * incrementally (only the YAML documents whose text changed are analysed again).
   */
  analyzeOpen(uri: string, version: number, text: string): FileAnalysis {
    const hit = this.open.get(uri);
    if (hit && hit.version === version) return hit.analysis;
    const cache = hit?.cache ?? newChunkCache();
    const analysis = analyzeIncremental(uri, text, this.settings, cache);
    // Compared with the disk's text when opened only: an edit makes it differ (a whole-text
    // comparison per keystroke is not worth it; an edit back to the disk's text rebuilds, and
    // closing compares once).
    const asOnDisk = !hit && this.isAsOnDisk(uri, text);
    this.open.set(uri, { version, analysis, cache, text, asOnDisk });
    // A document opened as it is on disk changes nothing the World holds.
    if (!asOnDisk) this.invalidate();
    return analysis;
  }

  /**
   * Whether `text` is what the scan read for `uri`, analysed alike: the same text, and no file of
   * the workspace cut short by the shared alias budget (an open document has a budget of its own).
   */
  private isAsOnDisk(uri: string, text: string): boolean {
    return this.diskTexts.get(uri) === text && this.aliases.ranOutIn === undefined;
  }

  /** After a file on disk changed or went: whether each open document still reads as on disk. */
  private recheckOpen(uri: string): void {
    const entry = this.open.get(uri);
    if (entry) entry.asOnDisk = this.isAsOnDisk(uri, entry.text);
  }

  /** Whether an open document has an analysis to build on (so the next one is incremental). */
  hasOpen(uri: string): boolean {
    return this.open.has(uri);
  }

  closeOpen(uri: string): void {
    const entry = this.open.get(uri);
    if (!entry) return;
    this.open.delete(uri);
    // The World holds this text (the document's last analysis): closing changes it unless the disk has the same.
    if (!entry.asOnDisk && !this.isAsOnDisk(uri, entry.text)) this.invalidate();
  }

  private files(): FileAnalysis[] {
    const files: FileAnalysis[] = [];
    for (const [uri, fa] of this.disk) if (!this.open.has(uri)) files.push(fa);
    for (const { analysis } of this.open.values()) files.push(analysis);
    return files;
  }

  workspace(): Workspace {
    if (!this.cached) this.cached = buildWorkspace(this.files());
    return this.cached;
  }

  /**
   * `workspace()` in steps for a pass that must stay responsive: the policies are compiled a
   * chunk per step first (compilation is memoised per policy object), then the World is assembled.
   */
  *workspaceSteps(): Generator<void, Workspace, void> {
    if (this.cached) return this.cached;
    const generation = this.gen;
    const ws = yield* buildWorkspaceSteps(this.files(), 25);
    if (this.gen === generation) this.cached ??= ws;
    // Changed meanwhile: the current content (the caller's pass is superseded anyway).
    return this.gen === generation ? this.cached ?? ws : this.workspace();
  }

  /** Re-reads one file from disk (created or changed), or forgets it (deleted or unreadable). */
  refreshFile(uri: string): void {
    this.invalidate();
    let file: string;
    try {
      file = fileURLToPath(uri);
    } catch {
      this.disk.delete(uri);
      return;
    }
    const refused = MANIFEST_FILE.test(file) ? checkPath(file, this.roots, { context: 'workspace' }) : undefined;
    if (refused) this.log(refused.message);
    const text = refused ? undefined : readRelevant(file, this.log);
    this.releaseAliases(uri);
    if (text === undefined) this.disk.delete(uri);
    else this.disk.set(uri, this.analyzeDisk(uri, text));
    if (text === undefined) this.diskTexts.delete(uri);
    else this.diskTexts.set(uri, text);
    for (const u of this.open.keys()) this.recheckOpen(u);
  }

  forget(uri: string): void {
    this.releaseAliases(uri);
    this.disk.delete(uri);
    this.diskTexts.delete(uri);
    for (const u of this.open.keys()) this.recheckOpen(u);
    this.invalidate();
  }

  /** How much of the workspace's alias budget the files read from disk spend, and where it ran out. */
  get aliasBudget(): Readonly<AliasBudget> {
    return this.aliases;
  }

  /** Analyses a file read from disk under the workspace's alias budget, noting what it spent. */
  private analyzeDisk(uri: string, text: string): FileAnalysis {
    const before = this.aliases.spent;
    const analysis = analyzeFile({ file: uri, text }, this.settings, this.aliases);
    this.aliasSpent.set(uri, this.aliases.spent - before);
    return analysis;
  }

  /** Gives back what a file spent of the alias budget (it is read again or gone). */
  private releaseAliases(uri: string): void {
    this.aliases.spent -= this.aliasSpent.get(uri) ?? 0;
    this.aliasSpent.delete(uri);
    if (this.aliases.spent < this.aliases.limit) this.aliases.ranOutIn = undefined;
  }

  private resetAliasBudget(): void {
    this.aliases = newAliasBudget();
    this.aliasSpent.clear();
  }

  /** The files read from disk, in scan order. */
  diskUris(): string[] {
    return [...this.disk.keys()];
  }

  diskAnalysis(uri: string): FileAnalysis | undefined {
    return this.disk.get(uri);
  }

  diskText(uri: string): string | undefined {
    return this.diskTexts.get(uri);
  }

  get diskFileCount(): number {
    return this.disk.size;
  }

  /**
   * Scans workspace folders through the shared reading layer (server/src/node/files.ts: regular
   * files only, byte cap, links outside the folders skipped, loops detected); resolves when done.
   * Yields to the event loop between files so requests keep being answered.
   */
  async scan(folders: readonly string[], isCancelled: () => boolean = () => false): Promise<number> {
    this.roots = realRoots(folders);
    this.resetAliasBudget();
    let count = 0;
    for (const entry of walkInputs(folders, { context: 'workspace' })) {
      if (isCancelled() || count >= MAX_SCAN_FILES) break;
      if (entry.kind === 'skip') {
        this.log(entry.skip.message);
        continue;
      }
      count++;
      const text = readRelevant(entry.path, this.log);
      const uri = pathToFileURL(entry.path).href;
      this.releaseAliases(uri);
      if (text !== undefined) this.disk.set(uri, this.analyzeDisk(uri, text));
      if (text !== undefined) this.diskTexts.set(uri, text);
      await new Promise((r) => setImmediate(r));
    }
    const spent = aliasBudgetSpentLine(this.aliases);
    if (spent !== undefined) this.log(spent);
    for (const u of this.open.keys()) this.recheckOpen(u);
    this.invalidate();
    return count;
  }
}

function readRelevant(file: string, log: (msg: string) => void): string | undefined {
  const read = readCapped(file, MAX_SCAN_FILE_BYTES);
  if ('skip' in read) {
    log(read.skip.message);
    return undefined;
  }
  // A file of connectivity assertions only (comments) counts too: its findings (NP501-NP503) and the plan's checks.
  return RELEVANT.test(read.text) || RELEVANT_JSON.test(read.text) || read.text.includes(EXPECT_MARKER) ? read.text : undefined;
}
