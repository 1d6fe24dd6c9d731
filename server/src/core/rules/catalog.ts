/**
 * Every diagnostic rule, in code order. The meta-tests keep this list, the rule files, the docs
 * pages in docs/rules/ and the fixtures in step: codes and slugs unique, each rule's file named
 * by its slug. Rules of scope 'workspace' (NP4xx) are run by workspaceRules.ts, not analyze.ts.
 */
import type { Rule } from './rule';
import { yamlSyntax } from './yaml-syntax';
import { duplicateKey } from './duplicate-key';
import { yamlTooComplex } from './yaml-too-complex';
import { unsupportedApiVersion } from './unsupported-api-version';
import { unknownField } from './unknown-field';
import { invalidType } from './invalid-type';
import { yaml11ImplicitType } from './yaml11-implicit-type';
import { invalidName } from './invalid-name';
import { invalidNamespace } from './invalid-namespace';
import { invalidMetadata } from './invalid-metadata';
import { invalidLabelSelector } from './invalid-label-selector';
import { invalidEndPort } from './invalid-end-port';
import { invalidPort } from './invalid-port';
import { unsupportedProtocol } from './unsupported-protocol';
import { peerRequired } from './peer-required';
import { ipblockWithSelector } from './ipblock-with-selector';
import { invalidCidr } from './invalid-cidr';
import { exceptNotSubset } from './except-not-subset';
import { invalidPolicyTypes } from './invalid-policy-types';
import { missingNamespace } from './missing-namespace';
import { yaml11KeyCoerced } from './yaml11-key-coerced';
import { egressBlocksDns } from './egress-blocks-dns';
import { rulesIgnoredByPolicyTypes } from './rules-ignored-by-policy-types';
import { emptyEgressNoIsolation } from './empty-egress-no-isolation';
import { peersLookLikeAnd } from './peers-look-like-and';
import { strayPortsRule } from './stray-ports-rule';
import { cidrHostBits } from './cidr-host-bits';
import { protocolDefaultsTcpOnUdpPort } from './protocol-defaults-tcp-on-udp-port';
import { egressOnlyIsolatesIngress } from './egress-only-isolates-ingress';
import { selectorMatchesNothing } from './selector-matches-nothing';
import { namedPortUndefined } from './named-port-undefined';
import { redundantPolicy } from './redundant-policy';
import { namespaceNotIsolated } from './namespace-not-isolated';
import { duplicatePolicyName } from './duplicate-policy-name';
import { ingressOnlyRestrictsDestination } from './ingress-only-restricts-destination';
import { expectationFails } from './expectation-fails';
import { expectationSyntax } from './expectation-syntax';
import { expectationUnresolved } from './expectation-unresolved';

export const RULES: readonly Rule[] = [
  yamlSyntax,
  duplicateKey,
  yamlTooComplex,
  unsupportedApiVersion,
  unknownField,
  invalidType,
  yaml11ImplicitType,
  invalidName,
  invalidNamespace,
  invalidMetadata,
  invalidLabelSelector,
  invalidEndPort,
  invalidPort,
  unsupportedProtocol,
  peerRequired,
  ipblockWithSelector,
  invalidCidr,
  exceptNotSubset,
  invalidPolicyTypes,
  missingNamespace,
  yaml11KeyCoerced,
  egressBlocksDns,
  rulesIgnoredByPolicyTypes,
  emptyEgressNoIsolation,
  peersLookLikeAnd,
  strayPortsRule,
  cidrHostBits,
  protocolDefaultsTcpOnUdpPort,
  egressOnlyIsolatesIngress,
  // Workspace rules (NP4xx): run by workspaceRules.ts against every file's World.
  selectorMatchesNothing,
  namedPortUndefined,
  redundantPolicy,
  namespaceNotIsolated,
  duplicatePolicyName,
  ingressOnlyRestrictsDestination,
  // Connectivity assertions (NP5xx): `# netpol-lens expect:` comments, checked against the World.
  expectationFails,
  expectationSyntax,
  expectationUnresolved,
];

export function ruleByCode(code: string): Rule | undefined {
  return RULES.find((r) => r.meta.code === code);
}
