/** Reads the YAML files named on the command line into a workspace, as the reachability commands need. */
import { aliasBudgetSpentLine, analyzeFile, buildWorkspace, lineLocator, newAliasBudget, worldInPieces } from '../core';
import type { AnalysisPurpose } from '../core';
import type { AliasBudget, FileAnalysis, Locate, Workspace, WorkspaceFile, World } from '../core';
import { escapeControls } from '../core/ide/escape';
import { looksLikeManifest, readCapped, SkipReason, walkInputs } from '../node/files';
import { checkInputsExist, UsageError } from './files';
import { t } from '../core/l10n';

export interface Io {
  stdout(s: string): void;
  stderr(s: string): void;
  /** `--follow-symlinks`: follow links that resolve outside the files and folders given. */
  readonly followSymlinks?: boolean;
}

/** Files larger than this are reported and skipped, like the language server does. */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;
/** What one run reads at most, all files together, and how many files (the server's scan reads 20,000). */
export const MAX_TOTAL_BYTES = 64 * 1024 * 1024;
export const MAX_FILES = 20_000;

/** The file budget of a run: MAX_FILES, or less with NETPOL_LENS_MAX_FILES (a smaller positive number only). */
function maxFiles(): number {
  const n = Number(process.env.NETPOL_LENS_MAX_FILES);
  return Number.isInteger(n) && n > 0 && n < MAX_FILES ? n : MAX_FILES;
}

export interface Loaded {
  readonly workspace: Workspace;
  readonly files: readonly WorkspaceFile[];
  readonly locate: Locate;
  /** Whether some input could not be read (reported on stderr; exit status 2). */
  readonly unreadable: boolean;
}

/**
 * Reads the manifests named on the command line through the shared reading layer
 * (server/src/node/files.ts): folders recursively (*.yaml, *.yml, and *.json that look like
 * Kubernetes objects), each real file once, only regular files, at most MAX_FILE_BYTES each,
 * links outside the inputs not followed unless `io.followSymlinks`. Every skip is one line on
 * stderr. `unreadable` (exit status 2) when a file that should have been analysed was not: one
 * named on the command line, one over the limit, binary or unreadable; a FIFO, device, loop or
 * link outside found in a folder is only a warning.
 */
export function readYamlFiles(inputs: readonly string[], io: Io): { readonly files: WorkspaceFile[]; readonly unreadable: boolean } {
  checkInputsExist(inputs);
  const files: WorkspaceFile[] = [];
  let unreadable = false;
  let count = 0;
  let total = 0;
  const fileBudget = maxFiles();
  const warn = (message: string): void => io.stderr(`netpol-lens: ${escapeControls(message)}\n`);
  for (const entry of walkInputs(inputs, { followSymlinks: io.followSymlinks, context: 'cli' })) {
    if (entry.kind === 'skip') {
      warn(entry.skip.message);
      if (entry.explicit || !WARNING_ONLY.has(entry.skip.reason)) unreadable = true;
      continue;
    }
    if (count >= fileBudget) {
      // Bounded work for any folder: past the budget the answer would be partial, so say so (exit 2).
      warn(t('more than {0} files: {1} and the files after it were not read', fileBudget, entry.path));
      unreadable = true;
      break;
    }
    const read = readCapped(entry.path, MAX_FILE_BYTES);
    if ('skip' in read) {
      warn(read.skip.message);
      unreadable = true;
      continue;
    }
    count++;
    total += read.text.length;
    if (total > MAX_TOTAL_BYTES) {
      warn(t('more than {0} bytes read in all: {1} and the files after it were not read', MAX_TOTAL_BYTES, entry.path));
      unreadable = true;
      break;
    }
    if (entry.explicit || looksLikeManifest(entry.path, read.text)) files.push({ file: entry.path, text: read.text });
  }
  return { files, unreadable };
}

/** Skips found while walking a folder that do not make the exit status 2. */
const WARNING_ONLY: ReadonlySet<SkipReason> = new Set<SkipReason>(['special', 'outside', 'loop', 'dangling']);

/**
 * Analyses the files of one run under one alias budget (`aliases`: pass the same one to analyse
 * more files in the same run). `ranOut` when the budget ran out: said once on stderr, naming the
 * file; the documents that use aliases there and after it are not analysed (NP003), so the answer
 * is partial (exit status 2).
 */
export function analyzeRun(files: readonly WorkspaceFile[], io: Io, aliases: AliasBudget = newAliasBudget(), purpose: AnalysisPurpose = 'diagnostics'): { readonly analyses: FileAnalysis[]; readonly ranOut: boolean } {
  const saidBefore = aliases.ranOutIn !== undefined;
  const analyses = files.map((f) => analyzeFile(f, {}, aliases, purpose));
  const ranOut = aliases.ranOutIn !== undefined;
  const line = aliasBudgetSpentLine(aliases);
  if (line !== undefined && !saidBefore) io.stderr(`netpol-lens: ${escapeControls(line)}\n`);
  return { analyses, ranOut };
}

export function readInputs(inputs: readonly string[], io: Io): Loaded {
  if (inputs.length === 0) throw new UsageError(t('no files or folders given'));
  const { files, unreadable } = readYamlFiles(inputs, io);
  // Every command that reads inputs this way prints connectivity, not findings (`check` has its own path).
  const { analyses, ranOut } = analyzeRun(files, io, newAliasBudget(), 'world');
  return { workspace: buildWorkspace(analyses), files, locate: lineLocator(files), unreadable: unreadable || ranOut };
}

export interface LoadedWorld {
  readonly world: World;
  readonly files: readonly WorkspaceFile[];
  readonly locate: Locate;
  /** Whether some input could not be read, or the alias budget ran out (exit status 2). */
  readonly unreadable: boolean;
}

/** Pieces of about this many characters (core/worldParts.ts): a piece's parse tree is garbage before the next is read. */
const WORLD_PIECE_CHARS = 32 * 1024;

/**
 * Reads the inputs into the World only, for the commands that answer from it (test, plan, matrix,
 * traffic): in pieces, each analysed and compiled before the next (core/worldParts.ts), so what
 * stays alive is compiled policies, not parse trees; the whole files when an alias is used.
 */
export function readWorld(inputs: readonly string[], io: Io): LoadedWorld {
  if (inputs.length === 0) throw new UsageError(t('no files or folders given'));
  const { files, unreadable } = readYamlFiles(inputs, io);
  let world = worldInPieces(files, WORLD_PIECE_CHARS);
  let ranOut = false;
  if (!world) {
    const run = analyzeRun(files, io, newAliasBudget(), 'world');
    ranOut = run.ranOut;
    world = buildWorkspace(run.analyses).world;
  }
  return { world, files, locate: lineLocator(files), unreadable: unreadable || ranOut };
}

export interface ParsedArgs {
  readonly positionals: string[];
  readonly values: Map<string, string>;
  readonly flags: Set<string>;
}

/**
 * Parses `--name value`, `--name=value` and flags. `spec` maps every accepted spelling (with its
 * dashes) to the canonical option name and whether it takes a value.
 */
export function parseArgs(args: readonly string[], spec: Readonly<Record<string, { readonly name: string; readonly value: boolean }>>): ParsedArgs {
  const positionals: string[] = [];
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const key = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    const opt = spec[key];
    if (!opt) throw new UsageError(t('unknown option {0}', key));
    if (opt.value) {
      const v = key !== a ? a.slice(eq + 1) : args[++i];
      if (v === undefined) throw new UsageError(t('{0} needs a value', key));
      values.set(opt.name, v);
    } else {
      if (key !== a) throw new UsageError(t('{0} takes no value', key));
      flags.add(opt.name);
    }
  }
  return { positionals, values, flags };
}

export const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];

/** `8080`, `8080/TCP`, `http`, `53/udp`: the port as written and the protocol (upper-cased) if given. */
export function parsePortSpec(text: string): { port: string; protocol?: string } {
  const slash = text.lastIndexOf('/');
  const port = slash >= 0 ? text.slice(0, slash) : text;
  const protocol = slash >= 0 ? text.slice(slash + 1).toUpperCase() : undefined;
  if (!port) throw new UsageError(t('--port needs a port number or name, not {0}', JSON.stringify(text)));
  if (protocol !== undefined && !PROTOCOLS.includes(protocol)) throw new UsageError(t('protocol must be TCP, UDP or SCTP, not {0}', JSON.stringify(text.slice(slash + 1))));
  return { port, protocol };
}
