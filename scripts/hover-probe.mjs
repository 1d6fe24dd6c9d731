// Probe: hover latency over LSP in the bench's 1,000-pod workspace, each sample printed (a
// development aid for scripts/bench.mjs's "hover over LSP" figure). Run `npm run bench` once first
// (it writes .bench/npm-bench/workspace).
//   node scripts/hover-probe.mjs [--profile DIR] [HOVERS]
// PROBE_NODE_ARGS: more arguments for the server's node (e.g. `-r ./gc-log.js`); PROBE_STDERR=1
// prints the server's stderr at the end (each hover line carries its end time, to line them up).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startLsp } from './bench-lsp.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WORKSPACE = path.join(ROOT, '.bench', 'npm-bench', 'workspace');
const args = process.argv.slice(2);
const prof = args.indexOf('--profile');
const profileDir = prof >= 0 ? path.resolve(args.splice(prof, 2)[1]) : undefined;
const HOVERS = Number(args[0] ?? 20);
const file = path.join(WORKSPACE, 'policies.yaml');
const uri = pathToFileURL(file).href;
const text = fs.readFileSync(file, 'utf8');
const positionAt = (off) => {
  const before = text.slice(0, off).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
};
const client = await startLsp({
  serverPath: path.join(ROOT, 'dist', 'server.js'),
  configuration: (section) => (section === 'netpolLens' ? { enable: true, severity: {} } : {}),
  rootUri: pathToFileURL(WORKSPACE).href,
  nodeArgs: [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), ...(process.env.PROBE_NODE_ARGS ? process.env.PROBE_NODE_ARGS.split(' ') : [])],
  timeoutMs: 60000,
});
try {
  const t0 = performance.now();
  await client.waitLog(/scanned \d+ YAML files/);
  const scanned = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 200));
  const first = client.nextDiagnostics(uri);
  const t1 = client.open(uri, text, 1);
  const d = await first;
  console.log(`scan ${scanned.toFixed(0)} ms, first diagnostics ${(d.at - t1).toFixed(0)} ms`);
  const samples = [];
  for (let i = 0, n = 0; i < 500 && n < HOVERS; i += 7, n++) {
    const off = text.indexOf(`  name: policy-${i}\n`);
    const h = await client.hover(uri, positionAt(off + '  name: '.length + 2));
    samples.push(h.ms);
    console.log(`policy-${i}: ${h.ms.toFixed(1)} ms (ended ${(performance.timeOrigin + performance.now()).toFixed(0)})`);
  }
  const s = samples.slice(1).sort((a, b) => a - b);
  console.log(`p50 ${s[Math.ceil(s.length * 0.5) - 1].toFixed(1)} p95 ${s[Math.ceil(s.length * 0.95) - 1].toFixed(1)} max ${s[s.length - 1].toFixed(1)} first ${samples[0].toFixed(1)}`);
  if (process.env.PROBE_STDERR) console.log(client.stderr.join(''));
} finally {
  await client.close();
}
