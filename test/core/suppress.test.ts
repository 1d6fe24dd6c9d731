/**
 * Disable comments (suppress.ts): `# netpol-lens-disable-next-line CODES` and
 * `# netpol-lens-disable CODES`, applied to a file's own diagnostics (analyzeText) and to the
 * workspace's (workspaceDiagnostics), alongside the severity settings.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { analyzeText, loadWorkspace, parseSuppressions, withWorkspaceDiagnostics, workspaceDiagnostics } from '../../server/src/core';

/** A policy with NP300 (no namespace), NP302 (egress without DNS) and NP308 (host bits). */
function policy(directives: { top?: string; beforeEgress?: string; beforeCidr?: string } = {}): string {
  return [
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    ...(directives.top ? [directives.top] : []),
    'metadata:',
    '  name: p',
    'spec:',
    '  podSelector: {}',
    '  policyTypes: [Egress]',
    ...(directives.beforeEgress ? [directives.beforeEgress] : []),
    '  egress:',
    '  - to:',
    '    - ipBlock:',
    ...(directives.beforeCidr ? [directives.beforeCidr] : []),
    '        cidr: 10.0.0.1/24',
    '',
  ].join('\n');
}

const codes = (text: string) => analyzeText(text).diagnostics.map((d) => d.code).sort();

test('without directives: NP300, NP302, NP308', () => {
  assert.deepEqual(codes(policy()), ['NP300', 'NP302', 'NP308']);
});

test('disable-next-line: the named codes on the next line only; codes or slugs, comma or space separated', () => {
  assert.deepEqual(codes(policy({ beforeEgress: '  # netpol-lens-disable-next-line NP302' })), ['NP300', 'NP308']);
  assert.deepEqual(codes(policy({ beforeEgress: '  # netpol-lens-disable-next-line NP308' })), ['NP300', 'NP302', 'NP308']);
  assert.deepEqual(codes(policy({ beforeCidr: '        # netpol-lens-disable-next-line egress-blocks-dns, cidr-host-bits' })), ['NP300', 'NP302']);
  assert.deepEqual(codes(policy({ beforeEgress: '  #netpol-lens-disable-next-line np302 NP999 -- DNS comes from allow-dns' })), ['NP300', 'NP308']);
});

test('disable-next-line without codes suppresses every code on the next line; stacked directives skip comment lines', () => {
  assert.deepEqual(codes(policy({ beforeCidr: '        # netpol-lens-disable-next-line' })), ['NP300', 'NP302']);
  const stacked = policy({ beforeEgress: '  # netpol-lens-disable-next-line NP302\n  # another comment\n  # netpol-lens-disable-next-line NP999' });
  assert.deepEqual(codes(stacked), ['NP300', 'NP308']);
});

test('a directive naming only unknown codes suppresses nothing; other comments are not directives', () => {
  assert.deepEqual(codes(policy({ beforeEgress: '  # netpol-lens-disable-next-line NP30' })), ['NP300', 'NP302', 'NP308']);
  assert.deepEqual(codes(policy({ beforeEgress: '  # netpol-lens-disabled NP302' })), ['NP300', 'NP302', 'NP308']);
  // A directive must be a comment line of its own, not a trailing comment.
  const trailing = policy().replace('  podSelector: {}', '  podSelector: {} # netpol-lens-disable-next-line NP302');
  assert.deepEqual(codes(trailing), ['NP300', 'NP302', 'NP308']);
});

test('disable: from its line to the end of that YAML document', () => {
  assert.deepEqual(codes(policy({ top: '# netpol-lens-disable NP302 NP308' })), ['NP300']);
  assert.deepEqual(codes(policy({ top: '# netpol-lens-disable' })), []);
  // Below the finding: nothing.
  assert.deepEqual(codes(`${policy()}# netpol-lens-disable NP302\n`), ['NP300', 'NP302', 'NP308']);
  // The next document is not affected.
  const two = `${policy({ top: '# netpol-lens-disable NP302' })}---\n${policy()}`;
  assert.deepEqual(codes(two), ['NP300', 'NP300', 'NP302', 'NP308', 'NP308']);
});

test('CRLF line endings', () => {
  const text = policy({ beforeEgress: '  # netpol-lens-disable-next-line NP302' }).replace(/\n/g, '\r\n');
  assert.deepEqual(codes(text), ['NP300', 'NP308']);
});

test('parseSuppressions: undefined without directives; offsets', () => {
  assert.equal(parseSuppressions('a: 1\n'), undefined);
  const s = parseSuppressions('# netpol-lens-disable-next-line NP401\nkey: x\nother: y\n');
  assert.ok(s);
  assert.equal(s.isSuppressed('NP401', 40), true);
  assert.equal(s.isSuppressed('NP402', 40), false);
  assert.equal(s.isSuppressed('NP401', 47), false);
});

const workloads = 'apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: default, labels: {app: web}}\n';
const typo = (directive: string) => `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: default}\nspec:\n${directive}  podSelector: {matchLabels: {app: wbe}}\n`;

test('workspace findings obey disable comments and severity settings', () => {
  const run = (text: string, severity?: Record<string, 'off' | 'error' | 'hint'>) => {
    const ws = loadWorkspace([{ file: 'p.yaml', text }, { file: 'w.yaml', text: workloads }]);
    return workspaceDiagnostics(ws, 'p.yaml', { text, settings: { severity } }).map((d) => `${d.code}:${d.severity}`);
  };
  assert.deepEqual(run(typo('')), ['NP401:warning']);
  assert.deepEqual(run(typo('  # netpol-lens-disable-next-line NP401\n')), []);
  assert.deepEqual(run(typo('  # netpol-lens-disable-next-line NP402\n')), ['NP401:warning']);
  assert.deepEqual(run(typo(''), { NP401: 'off' }), []);
  assert.deepEqual(run(typo(''), { NP401: 'hint' }), ['NP401:hint']);
  // Without the text, no disable comments can be read.
  const ws = loadWorkspace([{ file: 'p.yaml', text: typo('  # netpol-lens-disable-next-line NP401\n') }, { file: 'w.yaml', text: workloads }]);
  assert.deepEqual(workspaceDiagnostics(ws, 'p.yaml').map((d) => d.code), ['NP401']);
});

test('withWorkspaceDiagnostics: file diagnostics plus workspace ones, NP302 dropped when another policy gives DNS', () => {
  const api = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: api, namespace: default}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  policyTypes: [Egress]\n  egress: [{to: [{podSelector: {matchLabels: {app: web}}}]}]\n';
  const dns = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: dns, namespace: default}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress: [{ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]}]\n';
  const alone = loadWorkspace([{ file: 'api.yaml', text: api }, { file: 'w.yaml', text: workloads }]);
  const own = alone.files.find((f) => f.file === 'api.yaml')!.analysis.diagnostics;
  assert.deepEqual(own.map((d) => d.code), ['NP302']);
  assert.deepEqual(withWorkspaceDiagnostics(own, alone, 'api.yaml', { text: api }).map((d) => d.code), ['NP302']);
  const both = loadWorkspace([{ file: 'api.yaml', text: api }, { file: 'dns.yaml', text: dns }, { file: 'w.yaml', text: workloads }]);
  assert.deepEqual(withWorkspaceDiagnostics(own, both, 'api.yaml', { text: api }).map((d) => d.code), []);
  // UDP alone from the other policy is not enough.
  const udp = loadWorkspace([{ file: 'api.yaml', text: api }, { file: 'dns.yaml', text: dns.replace(', {port: 53, protocol: TCP}', '') }, { file: 'w.yaml', text: workloads }]);
  assert.deepEqual(withWorkspaceDiagnostics(own, udp, 'api.yaml', { text: api }).map((d) => d.code), ['NP302']);
});
