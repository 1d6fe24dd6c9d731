/** The verification plan as text, in the current locale. */
import type { CheckKind, VerificationPlan } from './plan';
import { EXPECT_CONNECTS, EXPECT_TIMES_OUT } from './planCommands';
import * as l10n from '../l10n';

function kindText(kind: CheckKind): string {
  switch (kind) {
    case 'allowed source': return l10n.t('allowed source');
    case 'blocked source': return l10n.t('blocked source');
    case 'allowed destination': return l10n.t('allowed destination');
    case 'blocked destination': return l10n.t('blocked destination');
    default: return l10n.t('dns');
  }
}

/** The expected outcome in the current locale (the plan's JSON keeps the English constants). */
function expectText(expect: string): string {
  if (expect === EXPECT_CONNECTS) return l10n.t('connects');
  if (expect === EXPECT_TIMES_OUT) return l10n.t('times out (dropped by NetworkPolicy)');
  if (expect === `${EXPECT_CONNECTS} (the name resolves)`) return l10n.t('connects (the name resolves)');
  return expect;
}

/** The plan as text, one section per policy. */
export function renderPlanText(plan: VerificationPlan): string {
  const out: string[] = [
    l10n.t(plan.checkCount === 1 ? 'Verification plan: {0} check for {1}.' : 'Verification plan: {0} checks for {1}.', plan.checkCount, l10n.t(plan.sections.length === 1 ? '{0} policy' : '{0} policies', plan.sections.length)),
    ...l10n.t(`Run each command against the cluster; the expected outcome follows from the policies in the given files.
NetworkPolicy drops packets, so a blocked TCP connection times out; "connection refused" means the policy let it
through and nothing listens on that port. The container needs curl or nc; if it has neither, run the command in an
ephemeral container sharing the pod's network: kubectl debug -n NS POD -it --image=nicolaka/netshoot -- COMMAND.
For UDP, nc -zuv reports success unless an ICMP error comes back, so a drop looks like success: prefer a real
client (nslookup for DNS).`).split('\n'),
  ];
  for (const s of plan.sections) {
    out.push('', `${s.policy} (${s.location})`);
    out.push(`  ${l10n.t('selects: {0}', s.selects.length ? s.selects.join(', ') : l10n.t('(no pod in the given files)'))}`);
    for (const c of s.checks) {
      out.push(`  #${c.id} ${l10n.t('{0}: {1}: expect {2}', kindText(c.kind), `${c.from} -> ${c.to} ${c.port}/${c.protocol}`, expectText(c.expect))}`);
      out.push(`     ${c.command}`);
      out.push(`     ${l10n.t('or: {0}', c.alternative)}`);
      out.push(`     ${l10n.t('why: {0}', c.why)}`);
    }
    if (s.seeAlso.length) out.push(`  ${l10n.t('also checked by {0}', s.seeAlso.map((id) => `#${id}`).join(', '))}`);
    for (const n of s.notes) out.push(`  ${l10n.t('note: {0}', n)}`);
  }
  if (plan.notApplied.length) {
    out.push('', l10n.t('Not applied (the API server would reject them; fix them first, see `netpol-lens check`):'));
    for (const n of plan.notApplied) out.push(`  ${n}`);
  }
  return out.join('\n') + '\n';
}
