/**
 * Reads YAML files as they were at a git revision, for `netpol-lens diff --base REF`. Only the CLI
 * imports this (the language server runs nothing): `git` is run with execFileSync, arguments as an
 * array (never a shell), the revision checked with `git rev-parse --verify` first.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { WorkspaceFile } from '../core';
import { UsageError } from './files';
import { MAX_FILE_BYTES } from './load';
import { t } from '../core/l10n';

const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn']);

function git(args: readonly string[], cwd: string): string {
  // Loaded here, not at start: only `diff --base` runs git.
  const { execFileSync } = require('child_process') as typeof import('child_process');
  return execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: MAX_FILE_BYTES, stdio: ['ignore', 'pipe', 'pipe'] });
}

function gitError(err: unknown): string {
  const e = err as { stderr?: string | Buffer; code?: string; message?: string };
  if (e.code === 'ENOENT') return t('git is not installed (or not on PATH)');
  return String(e.stderr ?? e.message ?? err).trim().split('\n')[0];
}

/**
 * The YAML files under `inputs` (files or folders, relative to `cwd`) as they were at `ref`, named
 * as the same paths on disk would be named (so the two sides' files line up).
 */
export function readYamlFilesAtRef(ref: string, inputs: readonly string[], cwd: string): WorkspaceFile[] {
  if (!ref || ref.startsWith('-') || /[\0\s]/.test(ref)) throw new UsageError(t('--base needs a git revision, not {0}', JSON.stringify(ref)));
  if (inputs.length === 0) throw new UsageError(t('no files or folders given'));
  const first = path.resolve(cwd, inputs[0]);
  let dir = first;
  while (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  let top: string;
  try {
    top = git(['rev-parse', '--show-toplevel'], dir).trim();
  } catch (err) {
    throw new UsageError(t('{0} is not inside a git repository ({1})', inputs[0], gitError(err)));
  }
  let commit: string;
  try {
    commit = git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], top).trim();
  } catch (err) {
    throw new UsageError(t('unknown git revision {0}', JSON.stringify(ref)));
  }
  const realTop = fs.realpathSync(top);
  const files = new Map<string, WorkspaceFile>();
  for (const input of inputs) {
    const abs = path.resolve(cwd, input);
    let real = abs;
    try {
      real = fs.realpathSync(abs);
    } catch {
      // Gone from disk (deleted since REF): its old content still counts.
      real = path.join(fs.realpathSync(path.dirname(abs)), path.basename(abs));
    }
    const rel = path.relative(realTop, real).split(path.sep).join('/');
    if (rel.startsWith('..') || path.isAbsolute(rel)) throw new UsageError(t('{0} is outside the git repository {1}', input, top));
    let listing: string;
    try {
      listing = git(['ls-tree', '-r', '-z', '--full-tree', commit, '--', rel || '.'], top);
    } catch (err) {
      throw new UsageError(t('cannot list {0} at {1}: {2}', input, ref, gitError(err)));
    }
    for (const entry of listing.split('\0')) {
      const tab = entry.indexOf('\t');
      if (tab < 0) continue;
      const [mode, type, object] = entry.slice(0, tab).split(' ');
      const file = entry.slice(tab + 1);
      if (type !== 'blob' || mode === '120000' || !/\.ya?ml$/i.test(file)) continue;
      const inside = rel ? path.posix.relative(rel, file) : file;
      if (inside.startsWith('..') || inside.split('/').slice(0, -1).some((s) => SKIP_DIRS.has(s))) continue;
      const name = inside === '' ? input : path.join(input, ...inside.split('/'));
      if (files.has(name)) continue;
      let text: string;
      try {
        text = git(['cat-file', 'blob', object], top);
      } catch (err) {
        throw new UsageError(t('cannot read {0} at {1}: {2}', file, ref, gitError(err)));
      }
      files.set(name, { file: name, text });
    }
  }
  return [...files.values()];
}
