/**
 * NP309 protocol-defaults-tcp-on-udp-port: a port entry for a port that is mostly used over UDP
 * (53 DNS, 123 NTP, 161 SNMP, 514 syslog, ...) written without a protocol. protocol defaults to
 * TCP, so the entry allows only TCP on that port and the UDP traffic stays blocked. Not reported
 * when the same rule also lists the port for UDP. The fix adds a UDP entry for the port next to
 * it (keeping TCP); write `protocol: TCP` to say TCP alone is meant.
 */
import type { Rule, RuleContext } from './rule';
import type { NetworkPolicyPort } from '../model/types';
import { cleanPolicy, nodeAt, spanAt } from './util';
import { afterNode, blockSeq, columnOf, dashBefore, eolOf, flow, styleOf, within } from './yamlEdit';
import { t } from '../l10n';

/** Ports whose usual protocol is UDP, with what runs there. */
export const UDP_PORTS: Readonly<Record<number, string>> = {
  53: 'DNS', 67: 'DHCP', 68: 'DHCP', 69: 'TFTP', 123: 'NTP', 137: 'NetBIOS name service', 138: 'NetBIOS datagrams',
  161: 'SNMP', 162: 'SNMP traps', 500: 'IKE (IPsec)', 514: 'syslog', 1812: 'RADIUS', 1813: 'RADIUS accounting',
  4500: 'IPsec NAT traversal', 4789: 'VXLAN', 5353: 'mDNS', 8472: 'VXLAN (flannel)', 51820: 'WireGuard',
};

export const protocolDefaultsTcpOnUdpPort: Rule = {
  meta: { code: 'NP309', slug: 'protocol-defaults-tcp-on-udp-port', severity: 'warning', title: 'A usually-UDP port without protocol, which means TCP only', fixable: true, source: 'pitfall: protocol defaults to TCP (cyclonus CheckSourcePortMissingProtocol)' },
  scope: 'policy',
  check(ctx) {
    const spec = cleanPolicy(ctx)?.spec;
    if (!spec) return;
    const lists: { ports: (NetworkPolicyPort | undefined)[]; path: string }[] = [];
    spec.ingress?.forEach((r, i) => r?.ports && lists.push({ ports: r.ports, path: `spec.ingress[${i}].ports` }));
    spec.egress?.forEach((r, i) => r?.ports && lists.push({ ports: r.ports, path: `spec.egress[${i}].ports` }));
    for (const { ports, path } of lists) {
      ports.forEach((p, j) => {
        if (!p || p.protocol !== undefined || typeof p.port !== 'number' || p.endPort !== undefined || !UDP_PORTS[p.port]) return;
        const n = p.port;
        if (ports.some((q) => q?.protocol === 'UDP' && (q.port === undefined || (typeof q.port === 'number' && (q.endPort !== undefined ? q.port <= n && n <= q.endPort : q.port === n))))) return;
        const what = UDP_PORTS[n];
        ctx.report({
          path: `${path}[${j}].port`,
          span: spanAt(ctx, `${path}[${j}].port`),
          message: t('port {0} without a protocol means {0}/TCP only (protocol defaults to TCP), but {1} uses UDP on port {0}{2}: add an entry with protocol: UDP, or write protocol: TCP if TCP alone is meant', n, what, n === 53 ? t(' (and TCP for large answers)') : ''),
          fix: udpFix(ctx, path, j, n),
        });
      });
    }
  },
};

function udpFix(ctx: RuleContext, path: string, j: number, port: number) {
  const seq = nodeAt(ctx.doc.node, path, true);
  const item = seq?.kind === 'seq' ? seq.items[j] : undefined;
  if (seq?.kind !== 'seq' || !item || !within(item, seq)) return undefined;
  const entry = { protocol: 'UDP', port };
  const title = t('Also allow {0}/UDP', port);
  const text = ctx.text;
  if (seq.flow) return { title, edits: [{ span: { start: item.span.end, end: item.span.end }, newText: `, ${flow(entry)}` }] };
  const dash = dashBefore(text, item.span.start);
  if (dash === undefined) return undefined;
  const keyCol = item.kind === 'map' && !item.flow && item.entries.length ? columnOf(text, item.entries[0].keySpan.start) : undefined;
  const at = afterNode(text, item.span);
  const lines = keyCol !== undefined ? blockSeq([entry], columnOf(text, dash), styleOf(text, ctx.doc.node), keyCol) : [`${' '.repeat(columnOf(text, dash))}- ${flow(entry)}`];
  return { title, edits: [{ span: { start: at, end: at }, newText: eolOf(text) + lines.join(eolOf(text)) }] };
}
