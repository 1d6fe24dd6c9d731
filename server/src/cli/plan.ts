/**
 * `netpol-lens plan`: commands to verify the policies in a real cluster, with the expected
 * outcomes, followed by one check per connectivity assertion written in the files.
 * `--format assertions` writes the plan's checks as assertion lines instead (a snapshot of
 * today's connectivity to commit, then to keep true with `netpol-lens test`).
 */
import { assertionChecks, buildPlan, planAsAssertions, renderAssertionChecksText, renderPlanText, runAssertions } from '../core';
import { UsageError } from './files';
import { Io, parseArgs, readWorld } from './load';
import { t } from '../core/l10n';

const PLAN_OPTIONS = {
  '--format': { name: 'format', value: true },
  '-f': { name: 'format', value: true },
} as const;

export function plan(args: readonly string[], io: Io): number {
  const { positionals, values } = parseArgs(args, PLAN_OPTIONS);
  const format = values.get('format') ?? 'text';
  if (!['text', 'json', 'assertions'].includes(format)) throw new UsageError(t('--format must be text, json or assertions, not {0}', JSON.stringify(format)));
  const loaded = readWorld(positionals, io);
  const p = buildPlan(loaded.world, { locate: loaded.locate });
  if (format === 'assertions') {
    io.stdout(planAsAssertions(p));
    return loaded.unreadable ? 2 : 0;
  }
  const checks = assertionChecks(runAssertions(loaded.world, loaded.files, loaded.locate), loaded.locate);
  io.stdout(format === 'json' ? JSON.stringify(checks.length ? { ...p, assertions: checks } : p, null, 2) + '\n' : renderPlanText(p) + renderAssertionChecksText(checks));
  return loaded.unreadable ? 2 : 0;
}
