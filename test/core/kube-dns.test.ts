/**
 * A peer meant for the cluster DNS (kube-system AND k8s-app=kube-dns) in a workspace that does
 * not show kube-system's pods: the hover says so instead of "in the workspace: none" (a peer
 * that allows no pod). NP401's side is in test/fixtures/workspace-diagnostics/NP401-kube-dns.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { getHover, loadWorkspace } from '../../server/src/core';

const POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-egress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
  - to:
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
      podSelector: {matchLabels: {k8s-app: kube-dns}}
    ports: [{port: 53, protocol: UDP}]
`;
const WEB = 'apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop, labels: {app: web}}\nspec: {containers: [{name: w, image: w}]}\n';
const PROXY = 'apiVersion: v1\nkind: Pod\nmetadata: {name: kube-proxy-x, namespace: kube-system, labels: {k8s-app: kube-proxy}}\nspec: {containers: [{name: p, image: p}]}\n';
const COREDNS = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: coredns, namespace: kube-system}\nspec:\n  selector: {matchLabels: {k8s-app: kube-dns}}\n  template:\n    metadata: {labels: {k8s-app: kube-dns}}\n    spec: {containers: [{name: c, image: c}]}\n';

function peerHover(others: string[]): string {
  const ws = loadWorkspace([{ file: 'policy.yaml', text: POLICY }, ...others.map((text, i) => ({ file: `o${i}.yaml`, text }))]);
  const fa = ws.files.find((f) => f.file === 'policy.yaml')!;
  const h = getHover(ws.world, fa.analysis.policies, 'policy.yaml', POLICY.indexOf('k8s-app: kube-dns'));
  assert.ok(h, 'a hover on the peer');
  return h.markdown;
}

test('hover on a kube-dns peer without kube-system in the workspace says the workspace does not show kube-system', () => {
  const md = peerHover([WEB]);
  assert.match(md, /the cluster DNS \(kube-dns\); the workspace does not show kube-system/);
  assert.doesNotMatch(md, /in the workspace: none/);
});

test('with other kube-system pods but not the DNS ones, it says that', () => {
  const md = peerHover([WEB, PROXY]);
  assert.match(md, /has Pods or workloads of kube-system, but none labelled k8s-app=kube-dns/);
  assert.doesNotMatch(md, /in the workspace: none/);
});

test('with the DNS pods in the workspace, it lists them', () => {
  const md = peerHover([WEB, COREDNS]);
  assert.match(md, /in the workspace: `kube-system\/coredns \(Deployment\)`/);
});
