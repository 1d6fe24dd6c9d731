// Probe: keystroke latency over LSP on the bench's 1,000-document file, each sample printed (a
// development aid for scripts/bench.mjs's keystroke figure). Run `npm run bench` once first (it
// writes .bench/npm-bench/files/policies-1000.yaml).
//   node scripts/keystroke-probe.mjs [EDITS]
// PROBE_NODE_ARGS: more arguments for the server's node; PROBE_STDERR=1 prints the server's stderr.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startLsp } from './bench-lsp.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const file = path.join(ROOT, '.bench', 'npm-bench', 'files', 'policies-1000.yaml');
const EDITS = Number(process.argv[2] ?? 30);
const uri = pathToFileURL(file).href;
let text = fs.readFileSync(file, 'utf8');
const positionAt = (off) => {
  const before = text.slice(0, off).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
};
// The bench's keystroke: the first digit of `endPort: 9xxx` past the middle, toggled 9 -> 7 and back.
let at = text.indexOf('endPort: 9', Math.floor(text.length / 2));
if (at < 0) at = text.indexOf('endPort: 9');
const editOffset = at + 'endPort: '.length;
const editPos = positionAt(editOffset);
const client = await startLsp({
  serverPath: path.join(ROOT, 'dist', 'server.js'),
  configuration: (section) => (section === 'netpolLens' ? { enable: true, severity: {} } : {}),
  nodeArgs: process.env.PROBE_NODE_ARGS ? process.env.PROBE_NODE_ARGS.split(' ').filter(Boolean) : [],
  timeoutMs: 60000,
});
try {
  const first = client.nextDiagnostics(uri);
  const t0 = client.open(uri, text, 1);
  const d = await first;
  console.log(`first diagnostics ${(d.at - t0).toFixed(0)} ms (${d.params.diagnostics.length})`);
  await new Promise((r) => setTimeout(r, 300));
  const samples = [];
  for (let v = 2; v < EDITS + 2; v++) {
    const ch = v % 2 === 0 ? '7' : '9';
    text = text.slice(0, editOffset) + ch + text.slice(editOffset + 1);
    const wait = client.nextDiagnostics(uri, (p) => p.version === v);
    const t = client.change(uri, v, { start: editPos, end: { line: editPos.line, character: editPos.character + 1 } }, ch, text);
    const got = await wait;
    samples.push(got.at - t);
    console.log(`v${v}: ${(got.at - t).toFixed(1)} ms (${got.params.diagnostics.length}, ended ${(performance.timeOrigin + got.at).toFixed(0)})`);
  }
  const s = [...samples].sort((a, b) => a - b);
  console.log(`p50 ${s[Math.ceil(s.length * 0.5) - 1].toFixed(1)} p95 ${s[Math.ceil(s.length * 0.95) - 1].toFixed(1)} max ${s[s.length - 1].toFixed(1)} first ${samples[0].toFixed(1)}`);
  if (process.env.PROBE_STDERR) console.log(client.stderr.join(''));
} finally {
  await client.close();
}
