/**
 * `netpol-lens diff OLD NEW` / `netpol-lens diff --base REF PATH...`: what the new manifests allow
 * that the old did not, and what they no longer allow (core/ide/diff.ts).
 * Exit status: 0 no change, 3 only narrowing changes, 4 some widening change, 2 errors.
 */
import * as path from 'path';
import { buildWorkspace, diffJson, diffSarif, diffWorlds, lineLocator, newAliasBudget, renderDiffMarkdown, renderDiffText } from '../core';
import type { WorkspaceFile } from '../core';
import { UsageError } from './files';
import { analyzeRun, Io, parseArgs, readYamlFiles } from './load';
import { readYamlFilesAtRef } from './git';
import { t } from '../core/l10n';

const DIFF_OPTIONS = {
  '--format': { name: 'format', value: true },
  '-f': { name: 'format', value: true },
  '--base': { name: 'base', value: true },
} as const;

export const EXIT_NO_CHANGE = 0;
export const EXIT_NARROWING = 3;
export const EXIT_WIDENING = 4;

export function diff(args: readonly string[], io: Io, cwd: string, version: string): number {
  const { positionals, values } = parseArgs(args, DIFF_OPTIONS);
  const format = values.get('format') ?? 'text';
  if (!['text', 'md', 'json', 'sarif'].includes(format)) throw new UsageError(t('--format must be text, md, json or sarif, not {0}', JSON.stringify(format)));
  const base = values.get('base');
  let before: WorkspaceFile[];
  let after: WorkspaceFile[];
  let unreadable = false;
  if (base !== undefined) {
    if (positionals.length === 0) throw new UsageError(t('diff --base REF needs the files or folders to compare'));
    before = readYamlFilesAtRef(base, positionals, cwd);
    const now = readYamlFiles(positionals.map((p) => path.resolve(cwd, p)), io);
    // Name the files on disk as the user wrote them, like the old side.
    after = now.files.map((f) => ({ ...f, file: path.relative(cwd, f.file) || f.file }));
    before = before.map((f) => ({ ...f, file: path.relative(cwd, path.resolve(cwd, f.file)) || f.file }));
    unreadable = now.unreadable;
  } else {
    if (positionals.length !== 2) throw new UsageError(t('diff needs OLD and NEW (files or folders), or --base REF with paths'));
    const old = readYamlFiles([path.resolve(cwd, positionals[0])], io);
    const now = readYamlFiles([path.resolve(cwd, positionals[1])], io);
    before = old.files.map((f) => ({ ...f, file: path.relative(cwd, f.file) || f.file }));
    after = now.files.map((f) => ({ ...f, file: path.relative(cwd, f.file) || f.file }));
    unreadable = old.unreadable || now.unreadable;
  }
  // Both sides are read in this run: one alias budget for the two; only what decides the World.
  const aliases = newAliasBudget();
  const oldRun = analyzeRun(before, io, aliases, 'world');
  const newRun = analyzeRun(after, io, aliases, 'world');
  if (oldRun.ranOut || newRun.ranOut) unreadable = true;
  const d = diffWorlds(buildWorkspace(oldRun.analyses).world, buildWorkspace(newRun.analyses).world);
  const locate = { before: lineLocator(before), after: lineLocator(after) };
  if (format === 'json') io.stdout(JSON.stringify(diffJson(d, locate), null, 2) + '\n');
  else if (format === 'md') io.stdout(renderDiffMarkdown(d, locate));
  else if (format === 'sarif') io.stdout(JSON.stringify(diffSarif(d, locate, (f) => f.split(path.sep).map(encodeURIComponent).join('/'), version), null, 2) + '\n');
  else io.stdout(renderDiffText(d, locate));
  if (unreadable) return 2;
  if (d.changes.some((c) => c.widening)) return EXIT_WIDENING;
  return d.changes.length ? EXIT_NARROWING : EXIT_NO_CHANGE;
}
