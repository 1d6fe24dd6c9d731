// Deterministic generator of NetworkPolicy streams for benchmarks and stress tests.
// Usage: node scripts/gen-policies.mjs COUNT [SEED] > file.yaml
export function generatePolicies(count, seed = 1) {
  let s = seed >>> 0 || 1;
  const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const pick = (a) => a[Math.floor(rnd() * a.length)];
  const apps = ['frontend', 'backend', 'db', 'cache', 'api', 'worker', 'auth', 'search'];
  const docs = [];
  for (let i = 0; i < count; i++) {
    const ns = `team-${i % 100}`;
    const lines = [
      'apiVersion: networking.k8s.io/v1',
      'kind: NetworkPolicy',
      'metadata:',
      `  name: policy-${i}`,
      `  namespace: ${ns}`,
      '  labels:',
      `    generated: "true"`,
      'spec:',
      '  podSelector:',
      '    matchLabels:',
      `      app: ${pick(apps)}`,
    ];
    if (rnd() < 0.3) lines.push('    matchExpressions:', '    - key: tier', '      operator: In', '      values: [web, api]');
    const broken = i % 97 === 13;
    lines.push('  policyTypes: [Ingress, Egress]', '  ingress:', '  - from:', '    - namespaceSelector:', '        matchLabels:', `          kubernetes.io/metadata.name: team-${(i * 7) % 100}`, '      podSelector:', '        matchLabels:', `          app: ${pick(apps)}`, '    - ipBlock:', `        cidr: 10.${i % 256}.0.0/16`, '        except:', `        - 10.${i % 256}.1.0/24`, '    ports:', '    - protocol: TCP', `      port: ${broken ? 9000 : 8000}`, `      endPort: ${broken ? 8000 : 9000}`, '    - port: http');
    lines.push('  egress:', '  - to:', '    - namespaceSelector: {}', '      podSelector:', '        matchLabels:', '          k8s-app: kube-dns', '    ports:', '    - protocol: UDP', '      port: 53', '    - protocol: TCP', '      port: 53', '  - to:', '    - ipBlock:', `        cidr: 2001:db8:${(i % 65535).toString(16)}::/48`);
    docs.push(lines.join('\n'));
  }
  return docs.join('\n---\n') + '\n';
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(generatePolicies(Number(process.argv[2] ?? 1000), Number(process.argv[3] ?? 1)));
}
