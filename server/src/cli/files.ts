/** Collects the YAML files named on the command line (folders recursively). */
import * as fs from 'fs';
import * as path from 'path';
import { t } from '../core/l10n';

const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn']);

export class UsageError extends Error {}

export function collectYamlFiles(inputs: readonly string[]): string[] {
  const out: string[] = [];
  const visited = new Set<string>();
  const walk = (dir: string): void => {
    let real: string;
    try {
      real = fs.realpathSync(dir);
    } catch {
      return;
    }
    if (visited.has(real)) return; // symlink loops
    visited.add(real);
    const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() || (e.isSymbolicLink() && isDir(p))) {
        if (!SKIP_DIRS.has(e.name)) walk(p);
      } else if (/\.ya?ml$/i.test(e.name)) out.push(p);
    }
  };
  for (const input of inputs) {
    let st: fs.Stats;
    try {
      st = fs.statSync(input);
    } catch {
      throw new UsageError(t('cannot read {0}: no such file or directory', input));
    }
    if (st.isDirectory()) walk(input);
    else out.push(input);
  }
  return out;
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
