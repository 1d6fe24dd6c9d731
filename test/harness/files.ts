/** Locating fixtures from compiled tests (out/test/...) and from sources alike. */
import * as fs from 'node:fs';
import * as path from 'node:path';

export function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) || path.basename(dir) === 'out') dir = path.dirname(dir);
  return dir;
}

export function fixtureRoot(): string {
  return path.join(repoRoot(), 'test', 'fixtures');
}

export function listFiles(dir: string, pattern: RegExp): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p, pattern));
    else if (pattern.test(e.name)) out.push(p);
  }
  return out;
}

/** `s` as a regular expression that matches exactly it (paths and names in messages). */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
