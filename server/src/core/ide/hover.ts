/**
 * Hover text: on a policy's name, the verdict for the pods it selects and then the rule-by-rule
 * explanation (hoverPolicy.ts); on any other key, what that key means (a rule, a peer, a port, an
 * ipBlock, the pod selector, policyTypes) and a one-line pointer to the verdict, never the whole
 * policy hover again. Everything is rendered from the engine's data (compile/evaluate/connset).
 */
import type { AnalyzedPolicy } from '../model/analyzed';
import type { Span } from '../text';
import { addressCount, formatCidr, parseCidr } from '../semantics/cidr';
import { compilePolicy, CompiledPolicy } from '../semantics/compile';
import { peerMatches, World } from '../semantics/evaluate';
import { formatSelector, isEmptySelector } from '../semantics/selector';
import { locate } from './locate';
import { code, describePeer, describeRule, list, podName, portList, selectedPods } from './hoverText';
import { additiveWarning, explainPolicy } from './hoverPolicy';
import { t } from '../l10n';

export interface Hover {
  readonly markdown: string;
  readonly span: Span;
}

function explainIpBlock(cidrText: string, except: readonly string[]): string {
  const c = parseCidr(cidrText);
  if (!c) return t('{0} is not a CIDR; the API server rejects it.', code(cidrText));
  const n = addressCount(c);
  const count = n === 1n ? t('a single address') : t('{0} addresses', n.toLocaleString('en-US'));
  const note = c.hostBitsSet ? t('; note the address has host bits set, Kubernetes uses the network {0}', formatCidr(c)) : '';
  const lines = [`**ipBlock** ${code(cidrText)}: ${count} (${formatCidr(c)}${note}).`, ''];
  for (const e of except) {
    const ec = parseCidr(e);
    if (ec) lines.push(`- ${t('except {0}: {1} addresses', code(e), addressCount(ec).toLocaleString('en-US'))}`);
  }
  if (except.length) lines.push('');
  lines.push(t("Meant for addresses outside the cluster. It cannot name a host (external-api.com): when the service's addresses change, the policy must change too. Whether it also matches pod IPs depends on the network plugin."));
  return lines.join('\n');
}

/** The one-line pointer from a key's hover to the policy's verdict. */
function pointer(c: CompiledPolicy): string {
  return t('_Who can reach whom under {0}: hover its name._', code(`${c.ref.namespace}/${c.ref.name}`));
}

function withPointer(markdown: string, c: CompiledPolicy): string {
  return `${markdown}\n\n${pointer(c)}`;
}

function rulesSummary(world: World, c: CompiledPolicy, dir: 'ingress' | 'egress'): string {
  const isolates = dir === 'ingress' ? c.isolatesIngress : c.isolatesEgress;
  const rules = dir === 'ingress' ? c.ingress : c.egress;
  const head = !isolates
    ? rules.length ? (dir === 'ingress' ? t('⚠ It has ingress rules but policyTypes leaves Ingress out, so **they are ignored**.') : t('⚠ It has egress rules but policyTypes leaves Egress out, so **they are ignored**.')) : ''
    : rules.length === 0
      ? dir === 'ingress' ? t('**Ingress**: no rule, so on its own this policy blocks **all incoming traffic** to the selected pods.') : t('**Egress**: no rule, so on its own this policy blocks **all outgoing traffic** from the selected pods.')
      : dir === 'ingress' ? t('**ingress**: the selected pods accept only what some rule of a policy selecting them allows; this policy allows (any one rule suffices):') : t('**egress**: the selected pods may open only what some rule of a policy selecting them allows; this policy allows (any one rule suffices):');
  const out = [head];
  if (isolates && rules.length) out.push('', ...rules.map((r, i) => `${i + 1}. ${describeRule(world, c, r, dir)}`));
  const w = additiveWarning(world, c, dir);
  if (w) out.push('', w);
  return out.join('\n').trim();
}

/** A short hover for a key that is not a rule, a peer or a port. */
function keyHover(world: World, c: CompiledPolicy, path: string): string | undefined {
  if (path.startsWith('spec.podSelector')) {
    const sel = isEmptySelector(c.podSelector) ? t('**every pod** in {0}', code(c.ref.namespace)) : t('pods in {0} with {1}', code(c.ref.namespace), code(formatSelector(c.podSelector)));
    return t('**podSelector**: the pods this policy applies to: {0} — in the workspace: {1}.', sel, list(selectedPods(world, c).map(podName)));
  }
  if (path.startsWith('spec.policyTypes')) {
    const types = [c.isolatesIngress ? 'Ingress' : '', c.isolatesEgress ? 'Egress' : ''].filter(Boolean).join(t(' and ')) || t('nothing');
    return t('**policyTypes**: the directions this policy isolates the selected pods in: {0}. Left out, it is Ingress, plus Egress when the policy has egress rules.', types);
  }
  if (path === 'spec.ingress' || path === 'spec.egress') return rulesSummary(world, c, path === 'spec.ingress' ? 'ingress' : 'egress');
  return undefined;
}

/** Hover for the text at `offset` of one file, in the context of the workspace world. */
export function getHover(world: World, policies: readonly AnalyzedPolicy[], file: string, offset: number): Hover | undefined {
  const at = locate(policies, offset);
  if (!at) return undefined;
  const compiled = compilePolicy(at.policy, file);
  const live = 'reason' in compiled ? compiled : world.policies.find((p) => p.ref.file === file && p.ref.span.start === compiled.ref.span.start) ?? compiled;
  const path = at.path;
  if ('reason' in live) return { markdown: explainPolicy(world, live), span: at.span };
  const ruleMatch = /^spec\.(ingress|egress)\[(\d+)\](.*)$/.exec(path);
  if (ruleMatch) {
    const dir = ruleMatch[1] as 'ingress' | 'egress';
    const rule = (dir === 'ingress' ? live.ingress : live.egress)[Number(ruleMatch[2])];
    const rest = ruleMatch[3];
    const peerMatch = /^\.(?:from|to)\[(\d+)\](.*)$/.exec(rest);
    if (rule && peerMatch) {
      const peer = rule.peers?.[Number(peerMatch[1])];
      if (peer?.ipBlock && peerMatch[2].startsWith('.ipBlock')) return { markdown: withPointer(explainIpBlock(peer.ipBlock.cidrText, peer.ipBlock.except.map((e) => e.text)), live), span: at.span };
      if (peer) {
        const and = peer.podSelector && peer.namespaceSelector ? '\n\n' + t('podSelector and namespaceSelector in **one** peer are ANDed: both must match. As two list items (`- podSelector` / `- namespaceSelector`) they would be ORed.') : '';
        return { markdown: withPointer((dir === 'ingress' ? t('**Peer** (source): {0}.', describePeer(world, live, peer)) : t('**Peer** (destination): {0}.', describePeer(world, live, peer))) + and, live), span: at.span };
      }
    }
    const portMatch = /^\.ports\[(\d+)\]/.exec(rest);
    if (rule && portMatch) {
      const pt = rule.ports?.[Number(portMatch[1])];
      if (pt) {
        let md = t('**Port**: {0}.', portList({ ...rule, ports: [pt] }));
        if (typeof pt.port === 'string') {
          const dests = dir === 'ingress' ? selectedPods(world, live) : world.pods.filter((pod) => !rule.peers || rule.peers.some((peer) => peerMatches(world, live, peer, { kind: 'pod', pod })));
          const resolved = dests.flatMap((pod) => pod.ports.filter((cp) => cp.name === pt.port && cp.protocol === pt.protocol).map((cp) => `${podName(pod)}: ${cp.port}/${cp.protocol}`));
          md += '\n\n' + t("A named port is resolved on each destination pod's container ports (name and protocol). In the workspace: {0}.", resolved.length ? resolved.map(code).join(', ') : t('no destination pod defines {0}, so this entry matches nothing there', `${code(String(pt.port))}/${pt.protocol}`));
        }
        return { markdown: withPointer(md, live), span: at.span };
      }
    }
    if (rule) return { markdown: withPointer(t(dir === 'ingress' ? '**Ingress rule {0}**: allows traffic {1}.' : '**Egress rule {0}**: allows traffic {1}.', Number(ruleMatch[2]) + 1, describeRule(world, live, rule, dir)), live), span: at.span };
  }
  // The name (and the object itself): the whole policy, verdict first.
  if (path === '' || path === 'metadata.name') return { markdown: explainPolicy(world, live), span: at.span };
  const key = keyHover(world, live, path);
  if (key) return { markdown: withPointer(key, live), span: at.span };
  return { markdown: pointer(live), span: at.span };
}
