/** `netpol-lens get`: the table `kubectl get networkpolicy` would print for the policies in the files. */
import { listPolicies, renderPolicyTable, sortPolicies } from '../core';
import type { PolicyEntry } from '../core';
import { Io, parseArgs, readInputs } from './load';
import { t } from '../core/l10n';

const GET_OPTIONS = {
  '-n': { name: 'namespace', value: true },
  '--namespace': { name: 'namespace', value: true },
  '-A': { name: 'all-namespaces', value: false },
  '--all-namespaces': { name: 'all-namespaces', value: false },
} as const;

/** Policies the API server would reject are listed (the files hold them) and mentioned on stderr. */
export function noteInvalid(entries: readonly PolicyEntry[], io: Io): void {
  for (const e of entries) {
    if (!e.valid) io.stderr(`netpol-lens: ${t('note: {0} ({1}) would be rejected by the API server; see `netpol-lens check {1}`', `${e.namespace}/${e.name}`, e.file)}\n`);
  }
}

export function get(args: readonly string[], io: Io): number {
  const { positionals, values, flags } = parseArgs(args, GET_OPTIONS);
  const loaded = readInputs(positionals, io);
  const ns = values.get('namespace');
  const entries = sortPolicies(listPolicies(loaded.workspace)).filter((e) => ns === undefined || e.namespace === ns);
  if (entries.length === 0) io.stderr(ns === undefined ? 'No resources found\n' : `No resources found in ${ns} namespace.\n`);
  else io.stdout(renderPolicyTable(entries, flags.has('all-namespaces') ? { withNamespace: true } : {}));
  noteInvalid(entries, io);
  return loaded.unreadable ? 2 : 0;
}
