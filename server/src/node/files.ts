/**
 * The one file-reading layer of the CLI and the language server's workspace scan (issue 13): they
 * must not drift. Folders are walked in name order; only regular files are read (a FIFO, socket
 * or device is skipped before it is opened, and checked again on the open descriptor, which is
 * opened non-blocking so a FIFO swapped in cannot hang us); reading stops at the byte limit + 1
 * whatever `stat` says (devices report size 0); symbolic links are followed only while they
 * resolve inside the roots (the folders and files the user named; the workspace folders), unless
 * `followSymlinks`; loops are detected by real path; each real file is read once.
 *
 * Not part of the pure core: it touches the file system. Its messages go through t().
 */
import * as fs from 'fs';
import * as path from 'path';
import { t } from '../core/l10n';

/** Folders never walked into. */
export const SKIP_DIRS: ReadonlySet<string> = new Set(['node_modules', '.git', '.hg', '.svn']);
/** The files a folder walk picks up (kubectl's own extensions). */
export const MANIFEST_FILE = /\.(ya?ml|json)$/i;

export type SkipReason = 'special' | 'outside' | 'loop' | 'dangling' | 'too-large' | 'binary' | 'unreadable';

export interface Skipped {
  readonly path: string;
  readonly reason: SkipReason;
  /** One line, localized, starting with the path: what the tools print or log. */
  readonly message: string;
}

export type WalkEntry =
  | { readonly kind: 'file'; readonly path: string; /** Named on the command line (read whatever its name). */ readonly explicit: boolean }
  | { readonly kind: 'skip'; readonly skip: Skipped; readonly explicit: boolean };

export interface WalkOptions {
  /** Follow symbolic links that resolve outside the roots (`--follow-symlinks`). */
  readonly followSymlinks?: boolean;
  /** Which files in folders are wanted; files named directly are always wanted. */
  readonly pattern?: RegExp;
  /** How a link outside the roots is described: the CLI names its option, the server its folders. */
  readonly context?: 'cli' | 'workspace';
}

function errCode(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code ?? String((err as Error)?.message ?? err);
}

function skip(p: string, reason: SkipReason, message: string): Skipped {
  return { path: p, reason, message };
}

function specialSkip(p: string): Skipped {
  return skip(p, 'special', t('skipping {0}: not a regular file (a FIFO, socket or device)', p));
}

function realOrUndefined(p: string): string | undefined {
  try {
    return fs.realpathSync(p);
  } catch {
    return undefined;
  }
}

/** Whether `real` (a real path) is one of the roots or inside a root folder. */
export function insideRoots(real: string, roots: readonly string[]): boolean {
  for (const r of roots) if (real === r || real.startsWith(r.endsWith(path.sep) ? r : r + path.sep)) return true;
  return false;
}

/** The real paths of the given roots (those that exist). */
export function realRoots(inputs: readonly string[]): string[] {
  return inputs.map(realOrUndefined).filter((r): r is string => r !== undefined);
}

/**
 * Checks one path found inside the roots (a folder walk's entry, or a file a watcher reports):
 * undefined when it may be read, else why not. Links are resolved; the real target must be
 * inside the roots (unless followSymlinks) and a regular file.
 */
export function checkPath(p: string, roots: readonly string[], opts: WalkOptions = {}): Skipped | undefined {
  let lst: fs.Stats;
  try {
    lst = fs.lstatSync(p);
  } catch (err) {
    return skip(p, 'unreadable', t('cannot read {0}: {1}', p, errCode(err)));
  }
  if (lst.isSymbolicLink()) {
    const linked = resolveLink(p, roots, opts);
    if ('skip' in linked) return linked.skip;
    return linked.stat.isFile() ? undefined : specialSkip(p);
  }
  if (!lst.isFile()) return specialSkip(p);
  // A plain file whose folder is reached through links: its real path decides.
  const real = realOrUndefined(p);
  if (real && !opts.followSymlinks && roots.length && !insideRoots(real, roots)) return outsideSkip(p, real, opts);
  return undefined;
}

function outsideSkip(p: string, real: string, opts: WalkOptions): Skipped {
  return skip(
    p,
    'outside',
    opts.context === 'workspace'
      ? t('skipping {0}: symbolic link to {1}, outside the workspace folders', p, real)
      : t('skipping {0}: symbolic link to {1}, outside the folders and files given (--follow-symlinks follows it)', p, real),
  );
}

/** Resolves a symbolic link: its real path and what it points to, or why it is not followed. */
function resolveLink(p: string, roots: readonly string[], opts: WalkOptions): { real: string; stat: fs.Stats } | { skip: Skipped } {
  let real: string;
  try {
    real = fs.realpathSync(p);
  } catch (err) {
    const code = errCode(err);
    if (code === 'ELOOP') return { skip: skip(p, 'loop', t('skipping {0}: symbolic link loop', p)) };
    if (code === 'ENOENT') return { skip: skip(p, 'dangling', t('skipping {0}: symbolic link to nothing', p)) };
    return { skip: skip(p, 'unreadable', t('cannot read {0}: {1}', p, code)) };
  }
  if (!opts.followSymlinks && !insideRoots(real, roots)) return { skip: outsideSkip(p, real, opts) };
  try {
    return { real, stat: fs.statSync(real) };
  } catch (err) {
    return { skip: skip(p, 'unreadable', t('cannot read {0}: {1}', p, errCode(err))) };
  }
}

/**
 * Every wanted file under the inputs, in order, and every skipped one (once each). Inputs that
 * do not exist are the caller's to report (the CLI calls that bad usage). A lazy generator, so
 * the server can yield to requests between files.
 */
export function* walkInputs(inputs: readonly string[], opts: WalkOptions = {}): Generator<WalkEntry> {
  const pattern = opts.pattern ?? MANIFEST_FILE;
  const roots = realRoots(inputs);
  const visitedDirs = new Set<string>();
  const seenFiles = new Set<string>();

  function* file(p: string, real: string, explicit: boolean): Generator<WalkEntry> {
    if (seenFiles.has(real)) return;
    seenFiles.add(real);
    yield { kind: 'file', path: p, explicit };
  }

  function* dir(p: string, real: string): Generator<WalkEntry> {
    if (visitedDirs.has(real)) return;
    visitedDirs.add(real);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(p, { withFileTypes: true });
    } catch (err) {
      yield { kind: 'skip', skip: skip(p, 'unreadable', t('cannot read {0}: {1}', p, errCode(err))), explicit: false };
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const child = path.join(p, e.name);
      const wanted = pattern.test(e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) yield* dir(child, path.join(real, e.name));
      } else if (e.isSymbolicLink()) {
        if (SKIP_DIRS.has(e.name)) continue;
        const linked = resolveLink(child, roots, opts);
        if ('skip' in linked) {
          // Report what could have been a wanted file or a folder; stay quiet about other links.
          const target = realOrUndefined(child);
          const isDir = target !== undefined && isDirectory(target);
          if (wanted || isDir || linked.skip.reason === 'loop') yield { kind: 'skip', skip: linked.skip, explicit: false };
          continue;
        }
        if (linked.stat.isDirectory()) {
          if (visitedDirs.has(linked.real)) {
            // A link back to a folder this walk is inside of is a loop; to another folder already read, a duplicate.
            if (insideRoots(real, [linked.real])) yield { kind: 'skip', skip: skip(child, 'loop', t('skipping {0}: symbolic link loop', child)), explicit: false };
            continue;
          }
          yield* dir(child, linked.real);
        } else if (wanted) {
          if (linked.stat.isFile()) yield* file(child, linked.real, false);
          else yield { kind: 'skip', skip: specialSkip(child), explicit: false };
        }
      } else if (wanted) {
        if (e.isFile()) yield* file(child, path.join(real, e.name), false);
        else yield { kind: 'skip', skip: specialSkip(child), explicit: false };
      }
    }
  }

  for (const input of inputs) {
    let st: fs.Stats;
    let real: string;
    try {
      st = fs.statSync(input);
      real = fs.realpathSync(input);
    } catch (err) {
      yield { kind: 'skip', skip: skip(input, 'unreadable', t('cannot read {0}: {1}', input, errCode(err))), explicit: true };
      continue;
    }
    if (st.isDirectory()) yield* dir(input, real);
    else if (st.isFile()) yield* file(input, real, true);
    else yield { kind: 'skip', skip: specialSkip(input), explicit: true };
  }
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

const CHUNK = 1024 * 1024;

/**
 * Reads a file as UTF-8 text, at most `maxBytes`: the descriptor is opened non-blocking and must
 * be a regular file; reading stops at `maxBytes + 1` bytes whatever the file's stat size says.
 * Files with NUL bytes are binary (no manifest has them).
 */
export function readCapped(p: string, maxBytes: number): { readonly text: string } | { readonly skip: Skipped } {
  let fd: number;
  try {
    fd = fs.openSync(p, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (err) {
    return { skip: skip(p, 'unreadable', t('cannot read {0}: {1}', p, errCode(err))) };
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) return { skip: specialSkip(p) };
    if (st.size > maxBytes) return { skip: skip(p, 'too-large', t('skipping {0}: {1} bytes is over the {2}-byte limit', p, st.size, maxBytes)) };
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(CHUNK, maxBytes + 1 - total));
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      chunks.push(n === buf.length ? buf : buf.subarray(0, n));
      total += n;
      if (total > maxBytes) return { skip: skip(p, 'too-large', t('skipping {0}: more than {1} bytes, over the limit', p, maxBytes)) };
    }
    const bytes = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
    if (bytes.includes(0)) return { skip: skip(p, 'binary', t('skipping {0}: binary content', p)) };
    return { text: bytes.toString('utf8') };
  } catch (err) {
    return { skip: skip(p, 'unreadable', t('cannot read {0}: {1}', p, errCode(err))) };
  } finally {
    fs.closeSync(fd);
  }
}

/** `"kind"` and `"apiVersion"` keys: a JSON file that may be a Kubernetes object (package.json is not). */
const JSON_KIND = /"kind"\s*:/;
const JSON_API_VERSION = /"apiVersion"\s*:/;

/**
 * Whether a file found by a folder walk is worth analysing: YAML always; JSON only when it looks
 * like a Kubernetes object or list (so package.json and tsconfig.json are passed over quietly).
 */
export function looksLikeManifest(p: string, text: string): boolean {
  return !/\.json$/i.test(p) || (JSON_KIND.test(text) && JSON_API_VERSION.test(text));
}
