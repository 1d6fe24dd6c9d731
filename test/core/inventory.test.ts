/**
 * The workspace's inventory as kubectl would apply it: typed lists (PodList, NamespaceList, …),
 * JSON manifests (a JSON document is YAML), and objects kubectl refuses because YAML 1.1 read a
 * string field as a boolean or number (`namespace: yes`): those never reach the cluster, so no
 * traffic answer may rest on them.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { computeMatrix, explainTraffic, loadWorkspace, resolveEndpoint } from '../../server/src/core';
import type { Endpoint } from '../../server/src/core';

const POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: server-from-client, namespace: default}
spec:
  podSelector: {matchLabels: {app: server}}
  ingress:
  - from:
    - podSelector: {matchLabels: {app: client}}
`;

function pods(clientNamespace: string): string {
  return `apiVersion: v1
kind: Pod
metadata: {name: client, namespace: ${clientNamespace}, labels: {app: client}}
spec: {containers: [{name: c, image: c}]}
---
apiVersion: v1
kind: Pod
metadata: {name: server, namespace: default, labels: {app: server}}
spec: {containers: [{name: s, image: s}]}
`;
}

function endpoint(world: Parameters<typeof resolveEndpoint>[0], ref: string): Endpoint {
  const r = resolveEndpoint(world, ref);
  assert.ok('endpoint' in r, `${ref}: ${'error' in r ? r.error : ''}`);
  return r.endpoint;
}

test('a Pod whose namespace YAML reads as a boolean is not in the workspace: no traffic answer rests on it', () => {
  const quoted = loadWorkspace([{ file: 'policy.yaml', text: POLICY }, { file: 'pods.yaml', text: pods('"default"') }]);
  const from = endpoint(quoted.world, 'default/client');
  const to = endpoint(quoted.world, 'default/server');
  assert.equal(explainTraffic(quoted.world, { from, to, port: 80, protocol: 'TCP' }).allowed, true);

  for (const written of ['yes', 'y', 'on', '1.10']) {
    const ws = loadWorkspace([{ file: 'policy.yaml', text: POLICY }, { file: 'pods.yaml', text: pods(written) }]);
    assert.deepEqual(ws.world.pods.map((p) => `${p.namespace}/${p.name}`), ['default/server'], `namespace: ${written}`);
    assert.ok('error' in resolveEndpoint(ws.world, 'default/client'), `namespace: ${written}: the refused pod is not an endpoint`);
    const m = computeMatrix(ws.world, 80, 'TCP');
    assert.deepEqual(m.pods.map((p) => p.name), ['server']);
    const diags = ws.files.find((f) => f.file === 'pods.yaml')!.analysis.diagnostics;
    assert.deepEqual(diags.map((d) => `${d.code} ${d.path}`), ['NP103 metadata.namespace'], `namespace: ${written}`);
    assert.match(diags[0].message, /kubectl refuses the whole Pod, so it is never applied/);
  }
});

test('a Namespace named `off` is refused; its pods are still known by their namespace name', () => {
  const ws = loadWorkspace([{ file: 'ns.yaml', text: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: off, labels: {team: a}}\n' }]);
  assert.deepEqual([...ws.world.namespaces.keys()], []);
});

test('JSON manifests are read as kubectl reads them: a PodList from the API, items without kind', () => {
  const podList = JSON.stringify({
    apiVersion: 'v1',
    kind: 'PodList',
    metadata: { resourceVersion: '42' },
    items: [
      { metadata: { name: 'client', namespace: 'default', labels: { app: 'client' } }, spec: { containers: [{ name: 'c', image: 'c' }] }, status: { podIP: '10.0.0.7' } },
      { metadata: { name: 'server', namespace: 'default', labels: { app: 'server' } }, spec: { containers: [{ name: 's', image: 's', ports: [{ name: 'http', containerPort: 8080 }] }] } },
    ],
  }, null, 2);
  const policy = JSON.stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'server-from-client', namespace: 'default' }, spec: { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 'http' }] }] } });
  const ws = loadWorkspace([{ file: 'pods.json', text: podList }, { file: 'policy.json', text: policy }]);
  assert.deepEqual(ws.world.pods.map((p) => p.name).sort(), ['client', 'server']);
  assert.deepEqual(ws.world.pods.find((p) => p.name === 'client')!.ips, [[10, 0, 0, 7]]);
  assert.equal(ws.world.policies.length, 1);
  const from = endpoint(ws.world, 'default/client');
  const to = endpoint(ws.world, 'default/server');
  assert.equal(explainTraffic(ws.world, { from, to, port: 8080, protocol: 'TCP' }).allowed, true);
  assert.equal(explainTraffic(ws.world, { from, to, port: 9090, protocol: 'TCP' }).allowed, false);
  for (const f of ws.files) assert.deepEqual(f.analysis.diagnostics.map((d) => d.code), [], f.file);
});

test('JSON and YAML that are not Kubernetes objects yield nothing', () => {
  const texts = ['{"name": "my-app", "version": "1.0.0", "dependencies": {"yaml": "^2"}}', '[1, 2, 3]', '"just a string"', '{}', 'null', 'key: value\nlist: [a, b]\n', '{"kind": 3, "items": "x"}', '{"kind": "PodList", "items": [1, "a", null, {"metadata": 5}]}'];
  for (const text of texts) {
    const ws = loadWorkspace([{ file: 'x.json', text }]);
    assert.deepEqual(ws.files[0].analysis.diagnostics, [], text);
    assert.deepEqual(ws.world.pods, [], text);
    assert.deepEqual(ws.world.policies, [], text);
  }
});
