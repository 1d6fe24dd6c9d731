// Deterministic generators of Kubernetes manifests for benchmarks and stress tests.
//
//   node scripts/gen-policies.mjs COUNT [SEED] > file.yaml     a NetworkPolicy stream
//
// generatePolicies(count, seed) returns a multi-document stream of NetworkPolicies in a realistic
// mix: default-deny policies, pod and namespace selectors (matchLabels and matchExpressions, ANDed
// in one peer or ORed as two), ipBlock with except (IPv4 and IPv6), ports with endPort, named
// ports, UDP/SCTP, ingress and egress, policyTypes written or left out. Document i is broken on
// purpose when i % 50 === 7 (2%): alternately endPort < port (rejected by the API server, valid by
// any JSON schema), `protocol: tcp` (a schema enum error), endPort < port again, and a quoted
// number as port ("8080", a port name that the API server rejects). generatePolicyStream() also
// returns which documents are broken and how.
//
// generateWorkspace() returns files for a whole workspace: Namespaces with labels, Pods with
// labels, container ports and pod IPs, spread over the namespaces, and a policy stream.
//
// Same arguments, same bytes: the only randomness is a seeded linear congruential generator.

const APPS = ['frontend', 'backend', 'db', 'cache', 'api', 'worker', 'auth', 'search'];
const TIERS = ['web', 'api', 'data'];
const ENVS = ['prod', 'staging', 'dev'];

function rng(seed) {
  let s = seed >>> 0 || 1;
  const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  return { rnd, pick: (a) => a[Math.floor(rnd() * a.length)], int: (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1)) };
}

/** The kind of breakage of document i, or undefined when it is valid. */
export function brokenKind(i) {
  if (i % 50 !== 7) return undefined;
  return ['endPort<port', 'protocol-case', 'endPort<port', 'quoted-port'][Math.floor(i / 50) % 4];
}

function podSelector(r, lines, indent, item = false) {
  const p = ' '.repeat(indent);
  const head = item ? `${' '.repeat(indent - 2)}- podSelector:` : `${p}podSelector:`;
  const v = r.rnd();
  if (v < 0.5) lines.push(head, `${p}  matchLabels:`, `${p}    app: ${r.pick(APPS)}`);
  else if (v < 0.8) lines.push(head, `${p}  matchLabels:`, `${p}    app: ${r.pick(APPS)}`, `${p}  matchExpressions:`, `${p}  - key: tier`, `${p}    operator: In`, `${p}    values: [${r.pick(TIERS)}, ${r.pick(TIERS)}]`);
  else lines.push(head, `${p}  matchExpressions:`, `${p}  - key: app`, `${p}    operator: NotIn`, `${p}    values:`, `${p}    - ${r.pick(APPS)}`, `${p}  - key: canary`, `${p}    operator: DoesNotExist`);
}

function ports(r, lines, broken, base) {
  // A TCP range (the one broken documents get wrong), a named port, sometimes UDP or SCTP.
  const port = 8000 + (base % 1000);
  if (broken === 'endPort<port') lines.push('    - protocol: TCP', `      port: ${port}`, `      endPort: ${port - 1000}`);
  else if (broken === 'protocol-case') lines.push('    - protocol: tcp', `      port: ${port}`, `      endPort: ${port + 1000}`);
  else lines.push('    - protocol: TCP', `      port: ${port}`, `      endPort: ${port + 1000}`);
  if (broken === 'quoted-port') lines.push('    - port: "8080"');
  else lines.push(`    - port: ${r.pick(['http', 'metrics', 'grpc'])}`);
  const v = r.rnd();
  if (v < 0.2) lines.push('    - protocol: UDP', `      port: ${r.pick([53, 123, 514])}`);
  else if (v < 0.3) lines.push('    - protocol: SCTP', '      port: 3868');
}

function policy(r, i, broken) {
  const ns = `team-${i % 100}`;
  const lines = ['apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy', 'metadata:', `  name: policy-${i}`, `  namespace: ${ns}`];
  if (r.rnd() < 0.3) lines.push('  labels:', '    generated: "true"', `    owner: ${r.pick(APPS)}`);
  lines.push('spec:');
  // Every 10th is a default deny; the rest allow something. Broken documents always have ports.
  const shape = broken ? 0 : i % 10 === 3 ? 3 : Math.floor(r.rnd() * 3);
  if (shape === 3) {
    lines.push('  podSelector: {}', r.rnd() < 0.5 ? '  policyTypes: [Ingress]' : '  policyTypes:\n  - Ingress\n  - Egress');
    return lines.join('\n');
  }
  podSelector(r, lines, 2);
  if (shape === 0 || shape === 1) {
    // Ingress and egress, policyTypes written.
    lines.push('  policyTypes: [Ingress, Egress]', '  ingress:', '  - from:');
    lines.push('    - namespaceSelector:', '        matchLabels:', `          kubernetes.io/metadata.name: team-${(i * 7) % 100}`);
    podSelector(r, lines, 6);
    if (r.rnd() < 0.5) {
      lines.push('    - namespaceSelector:', '        matchExpressions:', '        - key: env', `          operator: ${r.pick(['In', 'NotIn'])}`, `          values: [${r.pick(ENVS)}]`);
    }
    lines.push('    - ipBlock:', `        cidr: 10.${i % 100}.0.0/16`, '        except:', `        - 10.${i % 100}.${r.int(0, 9)}.0/24`);
    lines.push('    ports:');
    ports(r, lines, broken, i);
    lines.push('  egress:', '  - to:', '    - namespaceSelector: {}', '      podSelector:', '        matchLabels:', '          k8s-app: kube-dns', '    ports:', '    - protocol: UDP', '      port: 53', '    - protocol: TCP', '      port: 53');
    lines.push('  - to:', '    - ipBlock:', `        cidr: 2001:db8:${(i % 65535).toString(16)}::/48`);
    if (shape === 1) lines.push('    - ipBlock:', '        cidr: 0.0.0.0/0', '        except:', '        - 10.0.0.0/8', '        - 172.16.0.0/12', '        - 192.168.0.0/16', '    ports:', '    - port: 443');
  } else {
    // Ingress only, policyTypes left out; peers ORed as separate entries.
    lines.push('  ingress:', '  - from:');
    podSelector(r, lines, 6, true);
    lines.push('    - namespaceSelector:', '        matchLabels:', `          env: ${r.pick(ENVS)}`, '    ports:');
    ports(r, lines, broken, i * 3);
    if (r.rnd() < 0.5) lines.push('  - from:', '    - namespaceSelector: {}', '    ports:', '    - port: metrics');
  }
  return lines.join('\n');
}

/** A NetworkPolicy stream of `count` documents, and which documents are broken and how. */
export function generatePolicyStream(count, seed = 1) {
  const r = rng(seed);
  const docs = [];
  const broken = [];
  for (let i = 0; i < count; i++) {
    const b = brokenKind(i);
    if (b) broken.push({ index: i, kind: b, name: `policy-${i}` });
    docs.push(policy(r, i, b));
  }
  return { text: docs.join('\n---\n') + '\n', broken };
}

export function generatePolicies(count, seed = 1) {
  return generatePolicyStream(count, seed).text;
}

/**
 * A workspace: `namespaces` Namespaces (team-0…), `pods` Pods spread evenly over them (labels app,
 * tier, sometimes canary; container ports http/metrics/grpc; a pod IP in 10.<ns>.x.y), and
 * `policies` NetworkPolicies from generatePolicyStream. Returns [{ name, text }] with relative
 * file names.
 */
export function generateWorkspace({ namespaces = 100, pods = 1000, policies = 500, seed = 7 } = {}) {
  const r = rng(seed);
  const files = [];
  const nsDocs = [];
  for (let n = 0; n < namespaces; n++) {
    nsDocs.push(['apiVersion: v1', 'kind: Namespace', 'metadata:', `  name: team-${n}`, '  labels:', `    env: ${ENVS[n % 3]}`, `    team: team-${n}`].join('\n'));
  }
  files.push({ name: 'namespaces.yaml', text: nsDocs.join('\n---\n') + '\n' });
  const perNs = Math.ceil(pods / namespaces);
  let made = 0;
  for (let n = 0; n < namespaces && made < pods; n++) {
    const docs = [];
    for (let k = 0; k < perNs && made < pods; k++, made++) {
      const app = APPS[(n + k) % APPS.length];
      const lines = ['apiVersion: v1', 'kind: Pod', 'metadata:', `  name: ${app}-${k}`, `  namespace: team-${n}`, '  labels:', `    app: ${app}`, `    tier: ${r.pick(TIERS)}`];
      if (r.rnd() < 0.1) lines.push('    canary: "true"');
      lines.push('spec:', '  containers:', `  - name: ${app}`, `    image: registry.example/${app}:1.0`, '    ports:', '    - name: http', `      containerPort: ${r.pick([8080, 8443, 8500])}`, '    - name: metrics', '      containerPort: 9090');
      if (r.rnd() < 0.3) lines.push('    - name: grpc', '      containerPort: 9000');
      lines.push('status:', `  podIP: 10.${n % 256}.${Math.floor(k / 250)}.${(k % 250) + 1}`);
      docs.push(lines.join('\n'));
    }
    files.push({ name: `pods/team-${n}.yaml`, text: docs.join('\n---\n') + '\n' });
  }
  files.push({ name: 'policies.yaml', text: generatePolicies(policies, seed) });
  return files;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(generatePolicies(Number(process.argv[2] ?? 1000), Number(process.argv[3] ?? 1)));
}
