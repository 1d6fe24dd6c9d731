#!/usr/bin/env node
// Measures `netpol-lens check` (dist/cli.js) on each hostile input of issue 13: wall time, peak
// RSS (GNU time's "Maximum resident set size"), exit status and the first lines of stderr.
// Needs `npm run build` and `npx tsc -p tsconfig.json` (for out/test/harness/hostile.js) first.
// Usage: node scripts/hostile-measure.mjs [name...]   (names: see INPUTS below)
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const h = require(path.join(root, 'out/test/harness/hostile.js'));
const cli = path.join(root, 'dist/cli.js');

const INPUTS = {
  special: () => h.makeSpecialFolder().root,
  'alias-fanout': (d) => write(d, 'aliases.yaml', h.aliasFanOut(2000)),
  '50mb': (d) => (h.writePolicies(path.join(d, 'big.yaml'), 50 * h.MB), path.join(d, 'big.yaml')),
  '16mb': (d) => (h.writePolicies(path.join(d, 'big.yaml'), 16 * h.MB - 2 * h.MB), path.join(d, 'big.yaml')),
  '4mb': (d) => (h.writePolicies(path.join(d, 'big.yaml'), 4 * h.MB), path.join(d, 'big.yaml')),
  'exprs-4mb': (d) => write(d, 'exprs.yaml', h.manyExpressions(128, 1000)),
  'exprs-under-limit': (d) => write(d, 'exprs.yaml', h.manyExpressions(480, 1000)),
  'list-100k': (d) => write(d, 'list.yaml', h.bigList(100_000)),
  'exprs-1000x1000': (d) => write(d, 'exprs.yaml', h.manyExpressions(1000, 1000)),
  'deep-block': (d) => write(d, 'deep.yaml', h.deepBlock(5000)),
  'files-100k': (d) => (h.manyFiles(path.join(d, 'many'), 100_000), path.join(d, 'many')),
  'alias-folder': (d) => (h.aliasFolder(path.join(d, 'aliases'), 200), path.join(d, 'aliases')),
};

function write(dir, name, text) {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}

const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(INPUTS);
for (const name of names) {
  const dir = h.tempDir(`netpol-measure-${name}-`);
  const target = INPUTS[name](dir);
  const size = spawnSync('du', ['-sb', target], { encoding: 'utf8' }).stdout.split('\t')[0];
  const r = spawnSync('/usr/bin/time', ['-v', process.execPath, cli, 'check', '--format', 'json', target], { encoding: 'utf8', maxBuffer: 1 << 30, timeout: Number(process.env.MEASURE_TIMEOUT_MS ?? 60_000) });
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1];
  const wall = /Elapsed \(wall clock\) time.*: (.+)/.exec(r.stderr)?.[1];
  const cpu = Number(/User time \(seconds\): ([\d.]+)/.exec(r.stderr)?.[1] ?? NaN) + Number(/System time \(seconds\): ([\d.]+)/.exec(r.stderr)?.[1] ?? NaN);
  const msgs = r.stderr.split('\n').filter((l) => l.startsWith('netpol-lens')).slice(0, 4);
  let findings = '';
  try {
    const j = JSON.parse(r.stdout);
    const codes = {};
    for (const d of j) codes[d.code] = (codes[d.code] ?? 0) + 1;
    findings = JSON.stringify(codes);
  } catch {
    findings = `(stdout ${r.stdout.length} chars, not JSON)`;
  }
  console.log(`${name}: ${size} bytes, exit ${r.status ?? r.signal}, wall ${wall}, CPU ${cpu.toFixed(1)} s, max RSS ${rss ? Math.round(rss / 1024) : '?'} MB, findings ${findings.slice(0, 200)}`);
  for (const m of msgs) console.log(`    ${m.slice(0, 200)}`);
  fs.rmSync(dir, { recursive: true, force: true });
  if (name === 'special') fs.rmSync(path.dirname(target), { recursive: true, force: true });
}
