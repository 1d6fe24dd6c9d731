/**
 * The reachability commands as users run them (dist/cli.js in a child process), on the seed's
 * manifests (examples/ without broken.yaml) and the seed's workloads
 * (test/fixtures/workspaces/seed/pods.yaml): get and describe against kubectl's layout
 * (snapshots under test/fixtures/snapshots/cli; UPDATE_EXPECT=1 rewrites them), traffic verdicts
 * with their reasons, the batch JSON, the matrix, the verification plan, and exit codes.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../harness/files';
import { expectFile } from '../harness/expect';
import { alignTabs, DESCRIBE_TABS, TABLE_TABS } from '../../server/src/core';

const root = repoRoot();
const cli = path.join(root, 'dist', 'cli.js');
const snapshots = path.join(root, 'test', 'fixtures', 'snapshots', 'cli');

function run(args: string[], cwd = root) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const policies = ['examples/allow-egress-to-external-api.yaml', 'examples/allow-frontend-to-backend.yaml', 'examples/deny-ingress-from-external.yaml'];
const pods = 'test/fixtures/workspaces/seed/pods.yaml';
const seed = [...policies, pods];
const layout = 'test/fixtures/workspaces/describe/kubectl-layout.yaml';

function withTemp<T>(files: Record<string, string>, body: (dir: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-reach-'));
  try {
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    return body(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// get

test('get: the kubectl table, sorted like the API server lists, AGE <unknown> (snapshot)', () => {
  const r = run(['get', ...seed]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  expectFile(r.stdout, path.join(snapshots, 'get-seed.txt'));
  // kubectl's tabwriter: each column padded to its widest cell plus 3 spaces; the last is not padded.
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], 'NAME                           POD-SELECTOR   AGE');
  assert.equal(lines[1], 'allow-egress-to-external-api   app=backend    <unknown>');
});

test('get: a NAMESPACE column when the policies span namespaces (as -A); -n filters; -A forces it', () => {
  const r = run(['get', layout]);
  assert.equal(r.code, 0, r.stderr);
  expectFile(r.stdout, path.join(snapshots, 'get-namespaces.txt'));
  assert.match(r.stdout, /^NAMESPACE   NAME {3,}POD-SELECTOR {3,}AGE\n/);
  const one = run(['get', layout, '-n', 'dev']);
  assert.equal(one.stdout, 'NAME           POD-SELECTOR   AGE\ndefault-deny   <none>         <unknown>\n');
  const forced = run(['get', '-A', ...policies]);
  assert.match(forced.stdout, /^NAMESPACE   NAME/);
  const none = run(['get', layout, '-n', 'nowhere']);
  assert.equal(none.code, 0);
  assert.equal(none.stdout, '');
  assert.match(none.stderr, /No resources found in nowhere namespace/);
});

test('get: a policy the API server would reject is listed like the others, with a note on stderr', () => {
  const r = run(['get', 'examples/broken.yaml', ...policies]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^Broken_Policy {3,}app=backend {3,}<unknown>$/m);
  assert.doesNotMatch(r.stdout, /reject|invalid|!/i);
  assert.match(r.stderr, /default\/Broken_Policy .*would be rejected by the API server/);
});

// ---------------------------------------------------------------------------------------------
// describe

test('describe NAME: kubectl describe networkpolicy layout (snapshot)', () => {
  const r = run(['describe', ...seed, 'allow-frontend-to-backend']);
  assert.equal(r.code, 0, r.stderr);
  expectFile(r.stdout, path.join(snapshots, 'describe-allow-frontend-to-backend.txt'));
  assert.equal(
    r.stdout,
    [
      'Name:         allow-frontend-to-backend',
      'Namespace:    default',
      'Created on:   <unknown> (from file)',
      'Labels:       <none>',
      'Annotations:  <none>',
      'Spec:',
      '  PodSelector:     app=backend',
      '  Allowing ingress traffic:',
      '    To Port: <any> (traffic allowed to all ports)',
      '    From:',
      '      PodSelector: app=frontend',
      '  Not affecting egress traffic',
      '  Policy Types: Ingress',
      '',
    ].join('\n'),
  );
});

test('describe without a name: every policy, separated as kubectl separates them (snapshot)', () => {
  const r = run(['describe', ...seed]);
  assert.equal(r.code, 0, r.stderr);
  expectFile(r.stdout, path.join(snapshots, 'describe-seed.txt'));
  const parts = r.stdout.split('\n\n\n');
  assert.equal(parts.length, 3);
  assert.deepEqual(parts.map((p) => /^Name: +(\S+)/.exec(p)?.[1]), ['allow-egress-to-external-api', 'allow-frontend-to-backend', 'deny-ingress-from-external']);
  // The server stores the defaulted policyTypes: a policy with egress rules and no policyTypes
  // gets Ingress, Egress, so it isolates ingress too (with no rule admitting anything).
  assert.match(parts[0], /  Allowing ingress traffic:\n    <none> \(Selected pods are isolated for ingress connectivity\)\n  Allowing egress traffic:\n    To Port: <any> \(traffic allowed to all ports\)\n    To:\n      IPBlock:\n        CIDR: 203\.0\.113\.5\/32\n        Except: \n  Policy Types: Ingress, Egress$/);
  assert.match(parts[2], /  Allowing ingress traffic:\n    <none> \(Selected pods are isolated for ingress connectivity\)\n  Not affecting egress traffic\n  Policy Types: Ingress\n$/);
});

test('describe: every branch of the layout (labels, annotations, ports, ranges, peers, rule separators)', () => {
  const r = run(['describe', layout]);
  assert.equal(r.code, 0, r.stderr);
  expectFile(r.stdout, path.join(snapshots, 'describe-kubectl-layout.txt'));
  assert.match(r.stdout, /^Labels:       app\.kubernetes\.io\/part-of=shop\n              team=payments\n/m);
  assert.doesNotMatch(r.stdout, /last-applied-configuration/);
  assert.match(r.stdout, /^Annotations:  description:\n                an annotation .{100,}\.\.\.\n              note: short one\n              runbook:\n                step one\n                step two\n/m);
  assert.match(r.stdout, /    To Port: http\/TCP\n    To Port Range: 32000-32768\/UDP\n    To Port: <nil>\/SCTP\n    From:\n      NamespaceSelector: env=prod\n      PodSelector: role=client\n    From:\n      IPBlock:\n        CIDR: 10\.0\.0\.0\/8\n        Except: 10\.1\.0\.0\/16, 10\.2\.0\.0\/16\n    ----------\n    To Port: <any> \(traffic allowed to all ports\)\n    From: <any> \(traffic not restricted by source\)\n/);
  assert.match(r.stdout, /    To: <any> \(traffic not restricted by destination\)\n  Policy Types: Egress, Ingress\n/);
  assert.match(r.stdout, /  PodSelector:     <none> \(Allowing the specific traffic to all pods in this namespace\)/);
});

test('describe: a name matching no policy exactly falls back to the names it starts, as kubectl does', () => {
  const r = run(['describe', ...seed, 'allow-']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual([...r.stdout.matchAll(/^Name: +(\S+)$/gm)].map((m) => m[1]), ['allow-egress-to-external-api', 'allow-frontend-to-backend']);
});

test('describe: an unknown name exits 2 and lists the known names', () => {
  const r = run(['describe', ...seed, 'no-such-policy']);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /no NetworkPolicy named "no-such-policy"/);
  assert.match(r.stderr, /known policies: allow-egress-to-external-api, allow-frontend-to-backend, deny-ingress-from-external/);
});

// ---------------------------------------------------------------------------------------------
// traffic

function traffic(from: string, to: string, port: string) {
  return run(['traffic', ...seed, '--from', from, '--to', to, '--port', port]);
}

test('traffic: frontend -> backend:8080 is allowed by allow-frontend-to-backend, with file:line', () => {
  const r = traffic('default/frontend-pod', 'default/backend', '8080');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^allowed: default\/frontend-pod -> default\/backend 8080\/TCP\n/);
  assert.match(r.stdout, /egress: default\/frontend-pod is not isolated for egress/);
  assert.match(r.stdout, /ingress: default\/backend is isolated for ingress by .*default\/allow-frontend-to-backend \(examples\/allow-frontend-to-backend\.yaml:2\)/);
  assert.match(r.stdout, /allowed by default\/allow-frontend-to-backend spec\.ingress\[0\] \(examples\/allow-frontend-to-backend\.yaml:12\): from podSelector app=frontend, every port/);
  // Asked by port name: the destination's container port named http.
  const named = traffic('frontend-pod', 'backend', 'http');
  assert.match(named.stdout, /^allowed: default\/frontend-pod -> default\/backend 8080\/TCP \(port http\)/);
});

test('traffic: database -> backend is blocked, and says which policies isolate it and why no rule matched', () => {
  const r = traffic('default/database', 'default/backend', '8080');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^blocked: default\/database -> default\/backend 8080\/TCP\n/);
  assert.match(r.stdout, /no ingress rule of those policies allows from default\/database on 8080\/TCP/);
  assert.match(r.stdout, /default\/allow-frontend-to-backend spec\.ingress\[0\] \(examples\/allow-frontend-to-backend\.yaml:12\): its from \(podSelector app=frontend\) does not match default\/database/);
  assert.match(r.stdout, /default\/deny-ingress-from-external has no ingress rules/);
});

test('traffic: frontend -> database is allowed (nothing selects the database), contrary to the seed text', () => {
  const r = traffic('default/frontend-pod', 'default/database', '80');
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^allowed: /);
  assert.match(r.stdout, /default\/database is not isolated for ingress/);
});

test('traffic: backend -> ip:203.0.113.5:443 is allowed by the ipBlock; backend -> coredns 53/UDP is blocked', () => {
  const out = traffic('default/backend', 'ip:203.0.113.5', '443');
  assert.equal(out.code, 0);
  assert.match(out.stdout, /^allowed: default\/backend -> ip:203\.0\.113\.5 443\/TCP/);
  assert.match(out.stdout, /allowed by default\/allow-egress-to-external-api spec\.egress\[0\] \(examples\/allow-egress-to-external-api\.yaml:12\): to ipBlock 203\.0\.113\.5\/32/);
  assert.match(out.stdout, /ip:203\.0\.113\.5 is outside the cluster/);
  const dns = traffic('default/backend', 'kube-system/coredns', '53/UDP');
  assert.equal(dns.code, 0);
  assert.match(dns.stdout, /^blocked: default\/backend -> kube-system\/coredns 53\/UDP/);
  assert.match(dns.stdout, /egress: default\/backend is isolated for egress by default\/allow-egress-to-external-api/);
});

test('traffic --json: verdict, reasons and per-direction provenance', () => {
  const r = run(['traffic', ...seed, '--from', 'default/frontend-pod', '--to', 'default/backend', '--port', '8080/tcp', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const x = JSON.parse(r.stdout);
  assert.equal(x.allowed, true);
  assert.equal(x.protocol, 'TCP');
  assert.equal(x.egress.isolated, false);
  assert.deepEqual(x.ingress.isolatedBy.map((p: { policy: string }) => p.policy), ['allow-egress-to-external-api', 'allow-frontend-to-backend', 'deny-ingress-from-external']);
  assert.deepEqual(x.ingress.allowedBy, [
    { policy: 'allow-frontend-to-backend', namespace: 'default', file: 'examples/allow-frontend-to-backend.yaml', line: 12, direction: 'ingress', rule: 0, path: 'spec.ingress[0]', peer: 'podSelector app=frontend', peerPath: 'spec.ingress[0].from[0]' },
  ]);
  assert.ok(x.reasons.length >= 2);
});

test('traffic --batch --json: one answer per entry, in order; an unresolvable entry gets {error} and exit 2', () => {
  const batch = [
    { from: 'default/frontend-pod', to: 'default/backend', port: 8080 },
    { from: 'default/database', to: 'default/backend', port: 'http', protocol: 'TCP' },
    { from: 'default/frontend-pod', to: 'default/database', port: 5432 },
    { from: 'default/backend', to: 'ip:203.0.113.5', port: 443 },
    { from: 'default/backend', to: 'kube-system/coredns', port: 53, protocol: 'UDP' },
  ];
  withTemp({ 'ok.json': JSON.stringify(batch), 'bad.json': JSON.stringify([...batch.slice(0, 1), { from: 'default/ghost', to: 'default/backend', port: 80 }, { to: 'x' }, ...batch.slice(1, 2)]) }, (dir) => {
    const r = run(['traffic', ...seed, '--batch', path.join(dir, 'ok.json'), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const answers = JSON.parse(r.stdout) as { allowed: boolean; from: string; to: string; port: number; protocol: string; reasons: string[]; egress: { isolatedBy: unknown[]; allowedBy: unknown[] }; ingress: { isolatedBy: unknown[]; allowedBy: { policy: string; namespace: string; direction: string; rule: number }[] } }[];
    assert.deepEqual(answers.map((a) => a.allowed), [true, false, true, true, false]);
    assert.deepEqual(answers.map((a) => [a.from, a.to, a.port, a.protocol]), [
      ['default/frontend-pod', 'default/backend', 8080, 'TCP'],
      ['default/database', 'default/backend', 8080, 'TCP'],
      ['default/frontend-pod', 'default/database', 5432, 'TCP'],
      ['default/backend', 'ip:203.0.113.5', 443, 'TCP'],
      ['default/backend', 'kube-system/coredns', 53, 'UDP'],
    ]);
    for (const a of answers) {
      assert.ok(Array.isArray(a.reasons) && a.reasons.every((s) => typeof s === 'string'));
      for (const d of [a.egress, a.ingress]) assert.ok(Array.isArray(d.isolatedBy) && Array.isArray(d.allowedBy));
    }
    assert.deepEqual(
      answers[0].ingress.allowedBy.map((m) => [m.policy, m.namespace, m.direction, m.rule]),
      [['allow-frontend-to-backend', 'default', 'ingress', 0]],
    );

    const bad = run(['traffic', ...seed, '--batch', path.join(dir, 'bad.json'), '--json']);
    assert.equal(bad.code, 2);
    const mixed = JSON.parse(bad.stdout) as { allowed?: boolean; error?: string; from: unknown; port: unknown }[];
    assert.equal(mixed.length, 4);
    assert.equal(mixed[0].allowed, true);
    assert.ok(!('allowed' in mixed[1]));
    assert.match(mixed[1].error!, /no Pod or workload default\/ghost/);
    assert.equal(mixed[1].port, 80);
    assert.ok(!('allowed' in mixed[2]));
    assert.match(mixed[2].error!, /"from" must be a string/);
    assert.equal(mixed[3].allowed, false);

    const text = run(['traffic', ...seed, '--batch', path.join(dir, 'ok.json')]);
    assert.equal(text.code, 0);
    assert.deepEqual(text.stdout.split('\n').filter((l) => /^(allowed|blocked):/.test(l)).map((l) => l.split(':')[0]), ['allowed', 'blocked', 'allowed', 'allowed', 'blocked']);
  });
});

test('traffic: unresolvable endpoints, ports and bad usage exit 2 with a clear message', () => {
  const ghost = traffic('default/ghost', 'default/backend', '80');
  assert.equal(ghost.code, 2);
  assert.match(ghost.stderr, /from: no Pod or workload default\/ghost in the given files/);
  const typo = traffic('frontend-pod', 'prod/backend', '80');
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /did you mean default\/backend\?/);
  const noPort = traffic('frontend-pod', 'backend', 'grpc');
  assert.equal(noPort.code, 2);
  assert.match(noPort.stderr, /default\/backend has no container port named grpc/);
  const badIp = traffic('frontend-pod', 'ip:300.1.1.1', '80');
  assert.equal(badIp.code, 2);
  assert.match(badIp.stderr, /is not an IP address/);
  assert.equal(run(['traffic', ...seed, '--from', 'frontend-pod', '--to', 'backend']).code, 2);
  assert.equal(traffic('frontend-pod', 'backend', '80/ICMP').code, 2);
  withTemp({ 'not-array.json': '{"from":"a"}' }, (dir) => {
    const r = run(['traffic', ...seed, '--batch', path.join(dir, 'not-array.json')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /must be a JSON array/);
  });
});

// ---------------------------------------------------------------------------------------------
// matrix

test('matrix --format json: pods sorted, allowed[from][to] equal to traffic verdicts', () => {
  const r = run(['matrix', ...seed, '--port', '8080/TCP', '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const m = JSON.parse(r.stdout) as { port: number; protocol: string; pods: string[]; allowed: boolean[][] };
  assert.equal(m.port, 8080);
  assert.equal(m.protocol, 'TCP');
  assert.deepEqual(m.pods, ['default/backend', 'default/database', 'default/frontend-pod', 'kube-system/coredns']);
  // backend is a Deployment: its diagonal cell is between two replicas, which its egress policy blocks.
  assert.deepEqual(m.allowed, [
    [false, false, false, false],
    [false, true, true, true],
    [true, true, true, true],
    [false, true, true, true],
  ]);
  // The same answers, pair by pair, from the traffic command.
  const batch = m.pods.flatMap((from) => m.pods.map((to) => ({ from, to, port: 8080 })));
  withTemp({ 'all.json': JSON.stringify(batch) }, (dir) => {
    const t = run(['traffic', ...seed, '--batch', path.join(dir, 'all.json'), '--json']);
    assert.equal(t.code, 0, t.stderr);
    assert.deepEqual((JSON.parse(t.stdout) as { allowed: boolean }[]).map((a) => a.allowed), m.allowed.flat());
  });
});

test('matrix: text with a legend (. allowed, X blocked), markdown, default port 80/TCP, bad port exits 2', () => {
  const r = run(['matrix', ...seed]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Reachability on port 80\/TCP: rows are sources \(from\), columns are destinations \(to\); "\." = allowed, "X" = blocked\./);
  assert.match(r.stdout, /^1  default\/backend \(Deployment\) +X  X  X  X$/m);
  assert.match(r.stdout, /^3  default\/frontend-pod +\.  \.  \.  \.$/m);
  const md = run(['matrix', ...seed, '--format', 'md', '-p', '53/udp']);
  assert.equal(md.code, 0);
  assert.match(md.stdout, /^\| from \\ to \| `default\/backend \(Deployment\)` \|/m);
  assert.match(md.stdout, /port 53\/UDP/);
  assert.equal(run(['matrix', ...seed, '--port', 'http']).code, 2);
  assert.equal(run(['matrix', ...seed, '--format', 'xml']).code, 2);
});

// ---------------------------------------------------------------------------------------------
// plan

test('plan: kubectl exec commands with expected outcomes and reasons, derived from the engine', () => {
  const r = run(['plan', ...seed]);
  assert.equal(r.code, 0, r.stderr);
  const out = r.stdout;
  // frontend -> backend: allowed by allow-frontend-to-backend.
  assert.match(out, /#\d+ allowed source: default\/frontend-pod -> default\/backend 8080\/TCP: expect connects\n +kubectl exec -n default frontend-pod -- curl -sS -m 5 http:\/\/.+:8080\n +or: kubectl exec -n default frontend-pod -- nc -zv -w 5 .+ 8080\n +why: .*allowed by default\/allow-frontend-to-backend spec\.ingress\[0\]/);
  // database -> backend: blocked.
  assert.match(out, /blocked source: default\/database -> default\/backend 8080\/TCP: expect times out \(dropped by NetworkPolicy\)\n +kubectl exec -n default database -- curl -sS -m 5 http:\/\/.+:8080\n/);
  // backend (a Deployment) runs its checks through deploy/backend.
  // TCP 443 is TLS: curl over https (-k: the certificate is not for a bare address), not http://…:443.
  assert.match(out, /allowed destination: default\/backend -> ip:203\.0\.113\.5 443\/TCP: expect connects\n +kubectl exec -n default deploy\/backend -- curl -sSk -m 5 https:\/\/203\.0\.113\.5\n/);
  assert.ok(!/http:\/\/\S+:443\b/.test(out), 'no http:// check to port 443');
  assert.match(out, /dns: default\/backend -> kube-system\/coredns 53\/UDP: expect times out \(dropped by NetworkPolicy\)\n +kubectl exec -n default deploy\/backend -- nslookup kubernetes\.default\.svc\.cluster\.local\n +or: kubectl exec -n default deploy\/backend -- nc -zuv -w 5 .+ 53\n/);
  assert.match(out, /DNS from default\/backend \(Deployment\) is blocked/);
  // One section per policy, each check listed once.
  assert.deepEqual([...out.matchAll(/^(default\/\S+) \(examples\/\S+\.yaml:2\)$/gm)].map((m) => m[1]), ['default/allow-egress-to-external-api', 'default/allow-frontend-to-backend', 'default/deny-ingress-from-external']);
  const ids = [...out.matchAll(/^  #(\d+) /gm)].map((m) => Number(m[1]));
  assert.deepEqual(ids, ids.map((_, i) => i + 1));
  // Deterministic.
  assert.equal(run(['plan', ...seed]).stdout, out);
  const json = JSON.parse(run(['plan', ...seed, '--format', 'json']).stdout);
  assert.equal(json.checkCount, ids.length);
});

test('reachability commands: no input, unknown options and unreadable files exit 2', () => {
  for (const cmd of ['get', 'describe', 'matrix', 'plan']) {
    assert.equal(run([cmd]).code, 2, cmd);
    assert.equal(run([cmd, 'no/such/dir']).code, 2, cmd);
    assert.equal(run([cmd, ...seed, '--frobnicate']).code, 2, cmd);
  }
  assert.equal(run(['traffic']).code, 2);
  assert.equal(run(['--help']).code, 0);
  assert.match(run(['--help']).stdout, /netpol-lens traffic <files or folders\.\.\.> --from REF --to REF --port PORT\[\/PROTOCOL\]/);
});

// ---------------------------------------------------------------------------------------------
// The column layout itself (Go's text/tabwriter, as kubectl configures it)

test('alignTabs: columns per block of consecutive lines, minimum width, last cell unpadded', () => {
  // A line without a tab ends the block: the next block is aligned on its own.
  assert.equal(alignTabs('a:\tx\nlonger:\ty\nbreak\nb:\tz\n', DESCRIBE_TABS), 'a:       x\nlonger:  y\nbreak\nb:  z\n');
  // Continuation lines (an empty first cell) stay in the block.
  assert.equal(alignTabs('Labels:\ta=b\n\tc=d\nAnnotations:\t<none>\n', DESCRIBE_TABS), 'Labels:       a=b\n              c=d\nAnnotations:  <none>\n');
  // kubectl get: padding 3, minimum width 6; a column's block nests in the block to its left.
  assert.equal(alignTabs('A\tB\tC\nxx\ty\n', TABLE_TABS), 'A     B     C\nxx    y\n');
  assert.equal(alignTabs('ü\tx\n', TABLE_TABS), 'ü     x\n');
});
