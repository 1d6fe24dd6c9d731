/**
 * Builders for hostile repositories (issue 13), shared by the CLI suite (test/cli/hostile.test.ts),
 * the LSP suite and `scripts/hostile-measure.mjs`: special files (FIFO, links to /dev/zero and
 * /dev/urandom), links that leave the folder, link loops, and large or expensive YAML. Everything
 * is generated in a temp dir; nothing is checked in.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const MB = 1024 * 1024;

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function policyDoc(i: number, ns = 'default'): string {
  return `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p-${i}\n  namespace: ${ns}\nspec:\n  podSelector:\n    matchLabels:\n      app: a${i}\n  ingress:\n  - from:\n    - podSelector: {}\n`;
}

export function podDoc(name: string, labels: Record<string, string>, ns = 'default'): string {
  const l = Object.entries(labels).map(([k, v]) => `    ${k}: ${v}\n`).join('');
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n  labels:\n${l}spec:\n  containers:\n  - name: c\n    image: nginx\n`;
}

/** Whether this system can make FIFOs (mkfifo). */
export function mkfifo(p: string): boolean {
  try {
    execFileSync('mkfifo', [p]);
    return true;
  } catch {
    return false;
  }
}

export interface SpecialFolder {
  /** The folder given to the tool. */
  readonly root: string;
  /** A sibling folder outside root, which links in root point into. */
  readonly outside: string;
  /** The names (relative to root) of what was made. */
  readonly made: readonly string[];
  /** The one valid policy inside root (its pods are in root/ok/pods.yaml). */
  readonly policy: string;
}

/**
 * A folder with: a FIFO named x.yaml, links z.yaml -> /dev/zero and r.yaml -> /dev/urandom, a
 * directory link and a file link to a folder outside the root (holding a policy named
 * `outside-secret`), link loops (`loop -> .`, `a/b -> ../a`, `self.yaml -> self.yaml`), a dangling
 * link, and one valid policy with its pods under ok/.
 */
export function makeSpecialFolder(): SpecialFolder {
  const base = tempDir('netpol-hostile-');
  const root = path.join(base, 'repo');
  const outside = path.join(base, 'elsewhere');
  fs.mkdirSync(root);
  fs.mkdirSync(outside);
  const made: string[] = [];
  fs.writeFileSync(path.join(outside, 'secret.yaml'), policyDoc(0).replace('name: p-0', 'name: outside-secret'));
  if (mkfifo(path.join(root, 'x.yaml'))) made.push('x.yaml');
  if (fs.existsSync('/dev/zero')) {
    fs.symlinkSync('/dev/zero', path.join(root, 'z.yaml'));
    made.push('z.yaml');
  }
  if (fs.existsSync('/dev/urandom')) {
    fs.symlinkSync('/dev/urandom', path.join(root, 'r.yml'));
    made.push('r.yml');
  }
  fs.symlinkSync(outside, path.join(root, 'link'));
  fs.symlinkSync(path.join(outside, 'secret.yaml'), path.join(root, 'secret-link.yaml'));
  fs.symlinkSync('.', path.join(root, 'loop'));
  fs.mkdirSync(path.join(root, 'a'));
  fs.symlinkSync('../a', path.join(root, 'a', 'b'));
  fs.symlinkSync('self.yaml', path.join(root, 'self.yaml'));
  fs.symlinkSync('nowhere.yaml', path.join(root, 'dangling.yaml'));
  made.push('link', 'secret-link.yaml', 'loop', 'a/b', 'self.yaml', 'dangling.yaml');
  fs.mkdirSync(path.join(root, 'ok'));
  const policy = path.join(root, 'ok', 'policy.yaml');
  fs.writeFileSync(policy, `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-frontend\n  namespace: default\nspec:\n  podSelector:\n    matchLabels:\n      app: backend\n  ingress:\n  - from:\n    - podSelector:\n        matchLabels:\n          app: frontend\n`);
  fs.writeFileSync(path.join(root, 'ok', 'pods.yaml'), podDoc('backend', { app: 'backend' }) + '---\n' + podDoc('frontend', { app: 'frontend' }));
  // An internal link to a file inside the root: followed (it stays inside).
  fs.symlinkSync(path.join('ok', 'pods.yaml'), path.join(root, 'pods-again.yaml'));
  return { root, outside, made, policy };
}

/**
 * `docs` small documents, each with an alias fan-out just under the per-document alias budget
 * (100,000 nodes): `levels` levels of `fan` aliases (5 of 9: about 75,000 nodes). Each document alone is accepted; the file's
 * sum is what must be bounded.
 */
export function aliasFanOut(docs: number, levels = 5, fan = 9): string {
  const out: string[] = [];
  for (let d = 0; d < docs; d++) {
    const lines = [`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${d}\ndata:`];
    lines.push(`  l0: &a0 [${Array(fan).fill('x').join(', ')}]`);
    for (let l = 1; l < levels; l++) lines.push(`  l${l}: &a${l} [${Array(fan).fill(`*a${l - 1}`).join(', ')}]`);
    out.push(lines.join('\n') + '\n');
  }
  return out.join('---\n');
}

/** aliasFanOut's documents as NetworkPolicies (the fan-out under `spec.x`), so a document cut short gets NP003. */
export function aliasFanOutPolicies(docs: number): string {
  return aliasFanOut(docs).replace(/apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c(\d+)\ndata:/g, 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: c$1\nspec:\n  podSelector: {}\n  x:');
}

/**
 * `files` files in `dir`, each with 12 aliasFanOutPolicies documents: 995,760 alias nodes
 * per file, just under the per-file budget (1,000,000), so only the budget across the files of a
 * run or workspace stops the sum. Returns the paths in the order a folder walk reads them.
 */
export function aliasFolder(dir: string, files: number): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const text = aliasFanOutPolicies(12);
  const out: string[] = [];
  for (let i = 0; i < files; i++) {
    const p = path.join(dir, `a${String(i).padStart(4, '0')}.yaml`);
    fs.writeFileSync(p, text.replace(/name: c(\d+)/g, `name: f${i}-c$1`));
    out.push(p);
  }
  return out;
}

/** About `bytes` of valid policies, written to `file` in 1 MB chunks. */
export function writePolicies(file: string, bytes: number): void {
  const docs: string[] = [];
  let size = 0;
  for (let i = 0; size < MB; i++) {
    const d = policyDoc(i) + '---\n';
    docs.push(d);
    size += d.length;
  }
  const chunk = Buffer.from(docs.join(''));
  const fd = fs.openSync(file, 'w');
  try {
    for (let written = 0; written < bytes; written += chunk.length) fs.writeSync(fd, chunk);
  } finally {
    fs.closeSync(fd);
  }
}

/** A `kind: List` with `n` Pod items (as `kubectl get pods -o yaml` writes it). */
export function bigList(n: number): string {
  const parts = ['apiVersion: v1\nkind: List\nitems:\n'];
  for (let i = 0; i < n; i++) parts.push(`- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: pod-${i}\n    labels:\n      app: a${i % 100}\n`);
  return parts.join('');
}

/** `policies` policies with `exprs` matchExpressions each (flow style, as compact as YAML allows). */
export function manyExpressions(policies: number, exprs: number): string {
  const expr = Array.from({ length: exprs }, (_, i) => `{key: k${i}, operator: Exists}`).join(', ');
  const out: string[] = [];
  for (let p = 0; p < policies; p++) out.push(`apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: m${p}, namespace: default}\nspec:\n  podSelector:\n    matchExpressions: [${expr}]\n  policyTypes: [Ingress]\n`);
  return out.join('---\n');
}

/** A policy whose spec nests `depth` block mappings. */
export function deepBlock(depth: number): string {
  return 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deep\nspec:\n' + Array.from({ length: depth }, (_, i) => ' '.repeat(i + 1) + 'a:').join('\n') + '\n';
}

/** `n` small YAML files (a Pod each) in `dir`, 1,000 per subfolder. */
export function manyFiles(dir: string, n: number): void {
  for (let i = 0; i < n; i++) {
    const sub = path.join(dir, `d${Math.floor(i / 1000)}`);
    if (i % 1000 === 0) fs.mkdirSync(sub, { recursive: true });
    fs.writeFileSync(path.join(sub, `f${i}.yaml`), `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p${i}\n  labels: {app: a${i % 50}}\n`);
  }
}
