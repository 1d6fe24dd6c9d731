/**
 * Completion (core/ide/complete.ts) as a table: a fixture with a caret `‸` where the cursor is →
 * the labels offered there (in order), on half-typed documents too; what inserting an item gives;
 * the workspace's labels, namespaces and ports; and no exception at any offset of any fixture.
 */
import { parseYamlStream } from '../../server/src/core/syntax/tree';
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { completeAt, CompletionEntry, loadWorkspace, World } from '../../server/src/core';
import { fixtureRoot, listFiles } from '../harness/files';
import { prng, Rng } from '../harness/random';

const CARET = '‸';

const WORKSPACE = `apiVersion: v1
kind: Namespace
metadata:
  name: prod
  labels: {team: payments, env: prod}
---
apiVersion: v1
kind: Namespace
metadata:
  name: staging
  labels:
    env: staging
---
apiVersion: v1
kind: Pod
metadata:
  name: frontend
  namespace: default
  labels: {app: frontend, tier: web, canary: "yes"}
spec:
  containers:
  - name: web
    image: nginx
    ports:
    - {containerPort: 80, name: http}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: backend
  namespace: default
spec:
  selector: {matchLabels: {app: backend}}
  template:
    metadata:
      labels: {app: backend, version: "1.10", pod-template-hash: abc}
    spec:
      containers:
      - name: api
        image: backend
        ports:
        - {containerPort: 8080, name: http}
        - {containerPort: 9090, name: metrics}
---
apiVersion: v1
kind: Pod
metadata:
  name: api
  namespace: prod
  labels: {app: api}
spec:
  containers:
  - name: api
    image: api
    ports:
    - {containerPort: 9000, name: grpc}
    - {containerPort: 53, name: dns, protocol: UDP}
---
apiVersion: v1
kind: Pod
metadata:
  name: api
  namespace: staging
  labels: {app: api-staging}
spec:
  containers:
  - name: api
    image: api
`;

const WORLD: World = loadWorkspace([{ file: 'ws.yaml', text: WORKSPACE }]).world;

function at(src: string, world: World | null = WORLD, triggerCharacter?: string): { text: string; offset: number; items: CompletionEntry[] } {
  const offset = src.indexOf(CARET);
  assert.ok(offset >= 0, 'fixture has a caret');
  const text = src.slice(0, offset) + src.slice(offset + CARET.length);
  return { text, offset, items: completeAt(text, offset, { world: () => world ?? undefined, triggerCharacter }) };
}

function labels(src: string, world?: World | null, trigger?: string): string[] {
  return at(src, world, trigger).items.sort((a, b) => a.sortText.localeCompare(b.sortText)).map((i) => i.label);
}

/** The text with item `label` applied (a snippet's `$0` removed). */
function pick(src: string, label: string, world?: World | null): string {
  const { text, items } = at(src, world);
  const item = items.find((i) => i.label === label);
  assert.ok(item, `${label} offered in ${JSON.stringify(items.map((i) => i.label))}`);
  const newText = item.snippet ? item.newText.replace(/\$0/, '').replace(/\\([\\$}])/g, '$1') : item.newText;
  return text.slice(0, item.start) + newText + text.slice(item.end);
}

const HEAD = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p\n  namespace: default\n';

const SPEC = HEAD + 'spec:\n';

/** [name, fixture, expected labels in order] — schema fields and enums, no workspace needed. */
const SCHEMA_TABLE: [string, string, string[]][] = [
  ['empty file: top-level fields', '‸', ['apiVersion', 'kind', 'metadata', 'spec']],
  ['top level, some present', 'apiVersion: networking.k8s.io/v1\n‸\nspec: {}\n', ['kind', 'metadata']],
  ['top level, half-typed word', 'kind: NetworkPolicy\nmet‸', ['metadata']],
  ['top level, half-typed word, cursor inside it', 'kind: NetworkPolicy\ns‸pex\n', ['spec']],
  ['apiVersion value', 'apiVersion: ‸', ['networking.k8s.io/v1']],
  ['kind value', 'apiVersion: networking.k8s.io/v1\nkind: Net‸', ['NetworkPolicy']],
  ['kind value, quoted', 'apiVersion: networking.k8s.io/v1\nkind: "Net‸"', ['NetworkPolicy']],
  ['metadata fields', 'kind: NetworkPolicy\nmetadata:\n  name: x\n  ‸', ['generateName', 'namespace', 'labels', 'annotations']],
  ['spec fields, empty line under spec', HEAD + 'spec:\n  ‸\n', ['podSelector', 'ingress', 'egress', 'policyTypes']],
  ['spec fields, present ones skipped (after the cursor too)', SPEC + '  ‸\n  podSelector: {}\n  ingress: []\n', ['egress', 'policyTypes']],
  ['ingress rule: `- ` starting an item', SPEC + '  podSelector: {}\n  ingress:\n  - ‸', ['ports', 'from']],
  ['egress rule, indented sequence', SPEC + '  egress:\n    - ‸\n', ['ports', 'to']],
  ['ingress rule, second key of the item', SPEC + '  ingress:\n  - from: []\n    ‸\n', ['ports']],
  ['peer fields', SPEC + '  ingress:\n  - from:\n    - ‸\n', ['podSelector', 'namespaceSelector', 'ipBlock']],
  ['peer fields, sibling present', SPEC + '  egress:\n  - to:\n    - namespaceSelector: {}\n      p‸\n', ['podSelector']],
  ['ipBlock fields', SPEC + '  egress:\n  - to:\n    - ipBlock:\n        ‸\n', ['cidr', 'except']],
  ['port fields: `proto` under a port item', SPEC + '  ingress:\n  - ports:\n    - port: 80\n      proto‸\n', ['protocol']],
  ['port fields: a new line under a port item', SPEC + '  ingress:\n  - ports:\n    - port: 80\n      ‸\n', ['protocol', 'endPort']],
  ['protocol values', SPEC + '  ingress:\n  - ports:\n    - protocol: ‸\n', ['TCP', 'UDP', 'SCTP']],
  ['protocol values, half-typed', SPEC + '  ingress:\n  - ports:\n    - port: 53\n      protocol: U‸\n', ['UDP']],
  ['label selector fields', SPEC + '  podSelector:\n    ‸\n', ['matchLabels', 'matchExpressions']],
  ['expression fields', SPEC + '  podSelector:\n    matchExpressions:\n    - key: app\n      ‸\n', ['operator', 'values']],
  ['operator values', SPEC + '  podSelector:\n    matchExpressions:\n    - key: app\n      operator: ‸\n', ['In', 'NotIn', 'Exists', 'DoesNotExist']],
  ['policyTypes items not listed yet', SPEC + '  policyTypes:\n  - Ingress\n  - ‸\n', ['Egress']],
  ['policyTypes items, half-typed', SPEC + '  policyTypes:\n    - Eg‸\n', ['Egress']],
  ['policyTypes: empty line under the key brings the dash', SPEC + '  policyTypes:\n    ‸\n', ['Ingress', 'Egress']],
  ['ingress: empty line under the key brings the dash', SPEC + '  ingress:\n    ‸\n', ['ports', 'from']],
  ['List item', 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: networking.k8s.io/v1\n  kind: NetworkPolicy\n  spec:\n    ‸\n', ['podSelector', 'ingress', 'egress', 'policyTypes']],
  ['second document of a file', 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\n' + SPEC + '  ‸\n---\nkind: Service\n', ['podSelector', 'ingress', 'egress', 'policyTypes']],
];

for (const [name, src, want] of SCHEMA_TABLE) {
  test(`completion: ${name}`, () => {
    assert.deepEqual(labels(src, null), want);
    assert.deepEqual(labels(src.replace(/\n/g, '\r\n'), null), want, 'CRLF');
  });
}

/** Positions where nothing is offered. */
const NOTHING: [string, string][] = [
  ['another kind', 'apiVersion: apps/v1\nkind: Deployment\nspec:\n  ‸\n'],
  ['another kind (apiVersion only)', 'apiVersion: apps/v1\n‸'],
  ['a document that is not Kubernetes', 'services:\n  web: {}\n‸'],
  ['a Deployment document before the policy', 'apiVersion: apps/v1\nkind: Deployment\nspec:\n  ‸\n---\n' + SPEC],
  ['inside a comment', SPEC + '  # po‸\n'],
  ['after a value\'s comment', SPEC + '  podSelector: {} # ‸\n'],
  ['on the marker', '---‸\n' + SPEC],
  ['in the indentation of a key', SPEC + ' ‸ podSelector: {}\n'],
  ['in a flow mapping', SPEC + '  podSelector: {matchLabels: {app: ‸}}\n'],
  ['in a block scalar', HEAD + '  annotations:\n    note: |\n      some text\n      ‸\n'],
  ['metadata.name value', 'kind: NetworkPolicy\nmetadata:\n  name: ‸\n'],
  ['an unknown field\'s children', SPEC + '  bogus:\n    ‸\n'],
];

for (const [name, src] of NOTHING) {
  test(`completion: nothing ${name}`, () => {
    assert.deepEqual(labels(src), []);
  });
}

test('completion: what a field inserts (scalar, object, list, existing key), in the file\'s indentation', () => {
  assert.equal(pick(SPEC + '  ‸', 'podSelector'), SPEC + '  podSelector:\n    ');
  assert.equal(pick(SPEC + '  ‸', 'ingress'), SPEC + '  ingress:\n  - ');
  assert.equal(pick(SPEC + '  ‸', 'policyTypes'), SPEC + '  policyTypes:\n  - ');
  assert.equal(pick('‸', 'apiVersion'), 'apiVersion: networking.k8s.io/v1');
  assert.equal(pick('‸', 'kind'), 'kind: NetworkPolicy');
  assert.equal(pick(SPEC + '  ingress:\n  - ports:\n    - port: 80\n      proto‸', 'protocol'), SPEC + '  ingress:\n  - ports:\n    - port: 80\n      protocol: ');
  // The cursor on an existing key's name: the name alone.
  assert.equal(pick(SPEC + '  ingress:\n  - ports:\n    - prot‸: TCP\n', 'protocol'), SPEC + '  ingress:\n  - ports:\n    - protocol: TCP\n');
  // Under a list's key without a dash: the item with its dash.
  assert.equal(pick(SPEC + '  ingress:\n    ‸', 'from'), SPEC + '  ingress:\n    - from:\n      - ');
  // A file indented by 4 with indented sequences.
  const four = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n    name: p\nspec:\n    egress:\n        -   to: []\n    ‸';
  assert.equal(pick(four, 'ingress').slice(four.length - 1), 'ingress:\n        - ');
  assert.equal(pick(four, 'podSelector').slice(four.length - 1), 'podSelector:\n        ');
  // CRLF files get CRLF.
  assert.equal(pick((SPEC + '  ‸').replace(/\n/g, '\r\n'), 'podSelector'), (SPEC + '  podSelector:\n    ').replace(/\n/g, '\r\n'));
  // Documentation from the schema; kubectl explain's type names.
  const ps = at(SPEC + '  ‸').items.find((i) => i.label === 'podSelector')!;
  assert.equal(ps.detail, '<Object>');
  assert.match(ps.documentation ?? '', /policy's namespace/);
  assert.ok(ps.snippet && ps.retrigger);
  assert.equal(at(SPEC + '  ‸').items.find((i) => i.label === 'ingress')!.detail, '<[]Object>');
});

test('completion: pod labels for spec.podSelector are the labels of the pods in the policy\'s namespace', () => {
  assert.deepEqual(labels(SPEC + '  podSelector:\n    matchLabels:\n      ‸\n'), ['app', 'canary', 'tier', 'version', 'pod-template-hash']);
  assert.deepEqual(labels(SPEC + '  podSelector:\n    matchLabels:\n      app: ‸\n'), ['backend', 'frontend']);
  assert.deepEqual(labels(SPEC + '  podSelector:\n    matchLabels:\n      app: fr‸\n'), ['frontend']);
  assert.deepEqual(labels(HEAD.replace('namespace: default', 'namespace: prod') + 'spec:\n  podSelector:\n    matchLabels:\n      app: ‸\n'), ['api']);
  // A namespace the workspace has no pods in: every pod's labels.
  assert.deepEqual(labels(HEAD.replace('namespace: default', 'namespace: empty') + 'spec:\n  podSelector:\n    matchLabels:\n      app: ‸\n'), ['api', 'api-staging', 'backend', 'frontend']);
  const key = at(SPEC + '  podSelector:\n    matchLabels:\n      ‸\n').items.find((i) => i.label === 'app')!;
  assert.equal(key.newText, 'app: ');
  assert.ok(key.retrigger);
  assert.equal(key.detail, 'label of pods: default/frontend, default/backend (Deployment)');
  const v = at(SPEC + '  podSelector:\n    matchLabels:\n      app: ‸\n').items.find((i) => i.label === 'frontend')!;
  assert.equal(v.detail, 'pods: default/frontend');
  // Narrowed by the entries already written (unless nothing matches them).
  assert.deepEqual(labels(SPEC + '  podSelector:\n    matchLabels:\n      app: frontend\n      ‸\n'), ['canary', 'tier']);
  assert.deepEqual(labels(SPEC + '  podSelector:\n    matchLabels:\n      ‸\n      app: backend\n'), ['version', 'pod-template-hash']);
  assert.deepEqual(labels(SPEC + '  podSelector:\n    matchLabels:\n      tier: web\n      app: ‸\n'), ['frontend']);
  assert.deepEqual(labels(SPEC + '  podSelector:\n    matchLabels:\n      tier: nope\n      app: ‸\n'), ['backend', 'frontend']);
  // Values needing quotes for kubectl (YAML 1.1): `yes`, `1.10`.
  assert.equal(pick(SPEC + '  podSelector:\n    matchLabels:\n      canary: ‸\n', 'yes'), SPEC + '  podSelector:\n    matchLabels:\n      canary: "yes"\n');
  assert.equal(pick(SPEC + '  podSelector:\n    matchLabels:\n      version:‸\n', '1.10'), SPEC + '  podSelector:\n    matchLabels:\n      version: "1.10"\n');
  // Replacing a value already there.
  assert.equal(pick(SPEC + '  podSelector:\n    matchLabels:\n      app: fr‸ontx # c\n', 'frontend'), SPEC + '  podSelector:\n    matchLabels:\n      app: frontend # c\n');
});

test('completion: peer podSelector labels come from the peer\'s namespaces (a sibling namespaceSelector), namespaceSelector from the namespaces', () => {
  const peer = (lines: string) => SPEC + '  ingress:\n  - from:\n    - ' + lines;
  assert.deepEqual(labels(peer('podSelector:\n        matchLabels:\n          app: ‸\n')), ['backend', 'frontend']);
  assert.deepEqual(labels(peer('namespaceSelector:\n        matchLabels:\n          env: prod\n      podSelector:\n        matchLabels:\n          app: ‸\n')), ['api']);
  // The namespaceSelector after the podSelector counts too; an empty one means every namespace.
  assert.deepEqual(labels(peer('podSelector:\n        matchLabels:\n          app: ‸\n      namespaceSelector: {matchLabels: {env: staging}}\n')), ['api-staging']);
  assert.deepEqual(labels(peer('podSelector:\n        matchLabels:\n          app: ‸\n      namespaceSelector: {}\n')), ['api', 'api-staging', 'backend', 'frontend']);
  assert.deepEqual(labels(peer('namespaceSelector:\n        matchLabels:\n          ‸\n')), ['kubernetes.io/metadata.name', 'env', 'team']);
  assert.deepEqual(labels(peer('namespaceSelector:\n        matchLabels:\n          env: ‸\n')), ['prod', 'staging']);
  assert.deepEqual(labels(peer('namespaceSelector:\n        matchLabels:\n          kubernetes.io/metadata.name: ‸\n')), ['default', 'prod', 'staging']);
  // matchExpressions: keys, and values for the key already written (not those listed).
  assert.deepEqual(labels(peer('podSelector:\n        matchExpressions:\n        - key: ‸\n')), ['app', 'canary', 'tier', 'version', 'pod-template-hash']);
  assert.deepEqual(labels(peer('podSelector:\n        matchExpressions:\n        - key: app\n          operator: In\n          values:\n          - frontend\n          - ‸\n')), ['backend']);
  assert.deepEqual(labels(peer('namespaceSelector:\n        matchExpressions:\n        - {key: x}\n        - key: env\n          operator: NotIn\n          values:\n            - ‸\n')), ['prod', 'staging']);
});

test('completion: metadata.namespace offers the known namespaces', () => {
  assert.deepEqual(labels('kind: NetworkPolicy\nmetadata:\n  name: a\n  namespace: ‸\n'), ['default', 'prod', 'staging']);
  const prod = at('kind: NetworkPolicy\nmetadata:\n  namespace: ‸\n').items.find((i) => i.label === 'prod')!;
  assert.equal(prod.detail, '1 pod known');
  assert.equal(at('kind: NetworkPolicy\nmetadata:\n  namespace: ‸\n').items.find((i) => i.label === 'default')!.detail, '2 pods known (no Namespace manifest)');
  assert.deepEqual(labels('kind: NetworkPolicy\nmetadata:\n  namespace: ‸\n', null), []);
});

test('completion: port offers the named and numeric ports of the destination pods', () => {
  const ingress = SPEC + '  podSelector:\n    matchLabels:\n      app: backend\n  ingress:\n  - ports:\n    - port: ‸\n';
  assert.deepEqual(labels(ingress), ['http', 'metrics', '8080', '9090']);
  const http = at(ingress).items.find((i) => i.label === 'http')!;
  assert.equal(http.detail, 'named port: 8080/TCP on default/backend (Deployment)');
  // Every pod of the namespace for an empty podSelector; protocol written: only those ports.
  assert.deepEqual(labels(SPEC + '  podSelector: {}\n  ingress:\n  - ports:\n    - port: ‸\n'), ['http', 'metrics', '80', '8080', '9090']);
  assert.deepEqual(labels(SPEC + '  podSelector: {}\n  ingress:\n  - ports:\n    - protocol: UDP\n      port: ‸\n'), []);
  // Egress: the ports of the pods the rule's peers select; every known pod without peers.
  const egress = (to: string) => SPEC + '  podSelector: {}\n  egress:\n  - ' + to + 'ports:\n    - port: ‸\n      protocol: UDP\n';
  assert.deepEqual(labels(egress('to:\n    - namespaceSelector:\n        matchLabels:\n          env: prod\n    ')), ['dns', '53']);
  assert.deepEqual(labels(egress('')), ['dns', '53']);
  assert.deepEqual(labels(egress('to:\n    - ipBlock: {cidr: 10.0.0.0/8}\n    ')), []);
  assert.deepEqual(labels(SPEC + '  egress:\n  - to:\n    - podSelector: {matchLabels: {app: frontend}}\n    ports:\n    - port: ‸\n'), ['http', '80']);
  assert.deepEqual(labels(SPEC + '  egress:\n  - to:\n    - podSelector: {matchLabels: {app: frontend}}\n    ports:\n    - port: ‸\n', null), []);
});

test('completion: the space trigger answers only after `key:` and `-`', () => {
  assert.deepEqual(labels(SPEC + '  ‸', WORLD, ' '), []);
  assert.deepEqual(labels(SPEC + '  ingress:\n  - ‸', WORLD, ' '), ['ports', 'from']);
  assert.deepEqual(labels(SPEC + '  ingress:\n  - ports:\n    - protocol: ‸', WORLD, ' '), ['TCP', 'UDP', 'SCTP']);
});

test('completion: work proportional to the document — 5,000 documents', () => {
  const big = Array.from({ length: 5000 }, (_, i) => HEAD.replace('name: p', `name: p${i}`) + 'spec:\n  podSelector: {}\n').join('---\n');
  const src = big + '---\n' + SPEC + '  ‸\n---\n' + big;
  // Not a speed goal (those live in npm run bench): a complexity check. Completion reads the
  // cursor's document, not the stream: it must cost a small fraction of parsing the whole file
  // (best runs compared, measured back to back, a 10x margin).
  let completeBest = Infinity;
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    assert.deepEqual(labels(src, null), ['podSelector', 'ingress', 'egress', 'policyTypes']);
    completeBest = Math.min(completeBest, performance.now() - t0);
  }
  let parseBest = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    parseYamlStream(src);
    parseBest = Math.min(parseBest, performance.now() - t0);
  }
  assert.ok(completeBest * 10 < parseBest, `completion ${completeBest.toFixed(2)} ms vs parsing the file ${parseBest.toFixed(2)} ms`);
});

test('completion: never throws, at every offset of every fixture file and of random text', () => {
  for (const file of listFiles(fixtureRoot(), /\.ya?ml$/)) {
    const text = fs.readFileSync(file, 'utf8');
    for (let o = 0; o <= text.length; o++) {
      const items = completeAt(text, o, { world: () => WORLD });
      for (const i of items) assert.ok(i.start <= o && o <= i.end && i.end <= text.length, `${file}@${o}: range`);
    }
  }
  const rng = new Rng(prng(0xc0ffee));
  const pieces = ['spec:', 'ingress:', '- ', '  ', '\n', '\r\n', '---\n', 'podSelector:', 'matchLabels:', 'app: ', '"', "'", '{', '[', '#', ':', '|', 'port: ', 'kind: List\nitems:\n', '\t', 'é', '\uFEFF'];
  for (let n = 0; n < 300; n++) {
    let text = '';
    const len = rng.range(0, 40);
    for (let k = 0; k < len; k++) text += rng.pick(pieces);
    for (let o = 0; o <= text.length; o++) completeAt(text, o, { world: () => WORLD, triggerCharacter: rng.chance(0.5) ? ' ' : undefined });
  }
});
