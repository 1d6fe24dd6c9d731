/**
 * `netpol-lens describe <paths...> [name]`: the text `kubectl describe networkpolicy [name]` would
 * print. The last argument is a policy name when it is not a file or folder. As kubectl does, a
 * name that matches no policy exactly describes the policies whose names start with it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { describeByPrefix, describePolicies, findPolicies, listPolicies, sortPolicies } from '../core';
import { UsageError } from './files';
import { noteInvalid } from './get';
import { Io, parseArgs, readInputs } from './load';
import { t } from '../core/l10n';

const DESCRIBE_OPTIONS = {
  '-n': { name: 'namespace', value: true },
  '--namespace': { name: 'namespace', value: true },
} as const;

export function describe(args: readonly string[], io: Io, cwd: string): number {
  const { positionals, values } = parseArgs(args, DESCRIBE_OPTIONS);
  if (positionals.length === 0) throw new UsageError(t('describe needs at least one file or folder'));
  let name: string | undefined;
  if (positionals.length >= 2 && !fs.existsSync(path.resolve(cwd, positionals[positionals.length - 1]))) name = positionals.pop();
  const loaded = readInputs(positionals, io);
  const ns = values.get('namespace');
  const entries = sortPolicies(listPolicies(loaded.workspace)).filter((e) => ns === undefined || e.namespace === ns);
  if (name === undefined) {
    if (entries.length === 0) io.stderr(ns === undefined ? 'No resources found\n' : `No resources found in ${ns} namespace.\n`);
    else io.stdout(describePolicies(entries));
    noteInvalid(entries, io);
    return loaded.unreadable ? 2 : 0;
  }
  const { matches, byPrefix } = findPolicies(entries, name);
  if (matches.length === 0) {
    const known = [...new Set(entries.map((e) => e.name))];
    io.stderr(
      `netpol-lens: no NetworkPolicy named ${JSON.stringify(name)}${ns !== undefined ? ` in namespace ${ns}` : ''} in the given files (and no file or folder of that name)\n` +
        (known.length ? `known policies: ${known.join(', ')}\n` : 'the files hold no NetworkPolicy\n'),
    );
    return 2;
  }
  io.stdout(byPrefix ? describeByPrefix(matches) : describePolicies(matches));
  noteInvalid(matches, io);
  return loaded.unreadable ? 2 : 0;
}
