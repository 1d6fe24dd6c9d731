/**
 * The CLI over every input kubectl accepts: JSON manifests named explicitly, typed lists
 * (`kubectl get pods -o json`, API responses), and Pods kubectl refuses (`namespace: yes`).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../harness/files';

const cli = path.join(repoRoot(), 'dist', 'cli.js');

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function workspace(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-inputs-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

const POLICY = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'server-from-client', namespace: 'default' },
  spec: { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 8080 }] }] },
};

const POD_LIST = {
  apiVersion: 'v1',
  kind: 'PodList',
  metadata: { resourceVersion: '7' },
  items: [
    { metadata: { name: 'client', namespace: 'default', labels: { app: 'client' } }, spec: { containers: [{ name: 'c', image: 'c' }] } },
    { metadata: { name: 'server', namespace: 'default', labels: { app: 'server' } }, spec: { containers: [{ name: 's', image: 's' }] } },
  ],
};

test('check reads a JSON manifest named on the command line, with positions in the JSON text', () => {
  const bad = JSON.stringify({ ...POLICY, spec: { ...POLICY.spec, ingress: [{ ports: [{ port: 8080, endPort: 80 }] }] } }, null, 2);
  const dir = workspace({ 'policy.json': bad, 'pods.json': JSON.stringify(POD_LIST, null, 2) });
  const r = run(['check', '--format', 'json', 'policy.json', 'pods.json'], dir);
  assert.equal(r.code, 1, r.stderr);
  const items = JSON.parse(r.stdout) as { file: string; code: string; range: { start: { line: number; character: number } } }[];
  assert.deepEqual(items.map((i) => i.code), ['NP204']);
  const line = bad.split('\n')[items[0].range.start.line];
  assert.equal(line.trim(), '"endPort": 80');
  assert.equal(line.slice(items[0].range.start.character).trim(), '80');
});

test('traffic reads the pods of a PodList (items without kind), in JSON', () => {
  const dir = workspace({ 'policy.json': JSON.stringify(POLICY), 'pods.json': JSON.stringify(POD_LIST) });
  const ok = run(['traffic', 'policy.json', 'pods.json', '--from', 'default/client', '--to', 'default/server', '--port', '8080'], dir);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /^allowed: default\/client -> default\/server 8080\/TCP/);
  const blocked = run(['traffic', 'policy.json', 'pods.json', '--from', 'default/client', '--to', 'default/server', '--port', '9090'], dir);
  assert.equal(blocked.code, 0, blocked.stderr);
  assert.match(blocked.stdout, /^blocked: /);
});

test('a Pod with `namespace: yes` is refused by kubectl: check flags it, traffic does not count it', () => {
  const pods = 'apiVersion: v1\nkind: Pod\nmetadata: {name: client, namespace: yes, labels: {app: client}}\nspec: {containers: [{name: c, image: c}]}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: server, labels: {app: server}}\nspec: {containers: [{name: s, image: s}]}\n';
  const dir = workspace({ 'policy.json': JSON.stringify(POLICY), 'pods.yaml': pods });
  const check = run(['check', 'pods.yaml'], dir);
  assert.equal(check.code, 1);
  assert.match(check.stdout, /pods\.yaml:3:\d+: error NP103 metadata\.namespace: json: cannot unmarshal bool .*quote it: "yes"\).*never applied/);
  const r = run(['traffic', 'policy.json', 'pods.yaml', '--from', 'default/client', '--to', 'default/server', '--port', '8080'], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no Pod or workload default\/client/);
});

test('traffic: a pod selected only by rejected policies is not isolated because they are not applied, and the text says so', () => {
  const rejected = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: server-locked, namespace: default}\nspec:\n  podSelector: {matchLabels: {app: server}}\n  ingress:\n  - ports: [{port: 8080, endPort: 80}]\n';
  const dir = workspace({ 'policy.yaml': rejected, 'pods.json': JSON.stringify(POD_LIST) });
  const r = run(['traffic', 'policy.yaml', 'pods.json', '--from', 'default/client', '--to', 'default/server', '--port', '9090'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^allowed: /);
  assert.match(r.stdout, /ingress: default\/server is not isolated for ingress: default\/server-locked \(policy\.yaml:1\) selects it with Ingress in policyTypes but is not applied, because the API server rejects it/);
  assert.doesNotMatch(r.stdout, /ingress: [^\n]*no NetworkPolicy in namespace default selects it/);
  assert.match(r.stdout, /not applied: default\/server-locked/);
});
