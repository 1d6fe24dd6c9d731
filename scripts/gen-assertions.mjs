// Connectivity assertions for the bench's 1,000-pod workspace (scripts/gen-policies.mjs
// generateWorkspace): `# netpol-lens expect:` lines over its pods, deterministic for a seed.
// Most name one pod and one port (a number or a container port name); some a range, `any`, a
// selection of pods, or an outside address. Outcomes are drawn at random: the bench measures the
// time `netpol-lens test` takes, not how many hold.
//
//   node scripts/gen-assertions.mjs WORKSPACE_DIR [COUNT] [SEED] > assertions.yaml

import * as fs from 'node:fs';
import * as path from 'node:path';

function rng(seed) {
  let s = seed >>> 0;
  const rnd = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { rnd, pick: (xs) => xs[Math.floor(rnd() * xs.length)] };
}

/** The pods of the generated workspace's files: namespace, name, app label. */
export function podsOf(files) {
  const pods = [];
  for (const f of files) {
    for (const m of f.text.matchAll(/kind: Pod\nmetadata:\n  name: (\S+)\n  namespace: (\S+)\n  labels:\n    app: (\S+)/g)) pods.push({ name: m[1], namespace: m[2], app: m[3] });
  }
  return pods;
}

export function generateAssertions(files, count = 1000, seed = 11) {
  const r = rng(seed);
  const pods = podsOf(files);
  const lines = ['# Connectivity assertions for the bench (scripts/gen-assertions.mjs).'];
  for (let i = 0; i < count; i++) {
    const a = r.pick(pods);
    const b = r.pick(pods);
    const verdict = r.pick(['allowed', 'blocked', 'allowed', 'blocked', 'partially']);
    const x = r.rnd();
    let body;
    if (x < 0.55) body = `${a.namespace}/${a.name} -> ${b.namespace}/${b.name}:${r.pick(['8080', '8443', '8500', '9090', '9000'])}`;
    else if (x < 0.75) body = `${a.namespace}/${a.name} -> ${b.namespace}/${b.name}:${r.pick(['http', 'metrics'])}`;
    else if (x < 0.85) body = `${a.namespace}/${a.name} -> ${b.namespace}/${b.name}:${r.pick(['8000-9100', 'any', 'any/TCP'])}`;
    else if (x < 0.95) body = `${a.namespace}/app=${a.app} -> ${b.namespace}/*:${r.pick(['8080', 'any'])}`;
    else body = `${a.namespace}/${a.name} -> ip:${r.pick(['203.0.113.5', '8.8.8.8', '10.0.0.1'])}:${r.pick(['443', '53/UDP'])}`;
    lines.push(`# netpol-lens expect: ${body} ${verdict}`);
  }
  return lines.join('\n') + '\n';
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2];
  const files = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.yaml')) files.push({ file: p, text: fs.readFileSync(p, 'utf8') });
    }
  };
  walk(dir);
  process.stdout.write(generateAssertions(files, Number(process.argv[3] ?? 1000), Number(process.argv[4] ?? 11)));
}
