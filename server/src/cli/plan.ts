/** `netpol-lens plan`: commands to verify the policies in a real cluster, with the expected outcomes. */
import { buildPlan, renderPlanText } from '../core';
import { UsageError } from './files';
import { Io, parseArgs, readInputs } from './load';
import { t } from '../core/l10n';

const PLAN_OPTIONS = {
  '--format': { name: 'format', value: true },
  '-f': { name: 'format', value: true },
} as const;

export function plan(args: readonly string[], io: Io): number {
  const { positionals, values } = parseArgs(args, PLAN_OPTIONS);
  const format = values.get('format') ?? 'text';
  if (!['text', 'json'].includes(format)) throw new UsageError(t('--format must be text or json, not {0}', JSON.stringify(format)));
  const loaded = readInputs(positionals, io);
  const p = buildPlan(loaded.workspace.world, { locate: loaded.locate });
  io.stdout(format === 'json' ? JSON.stringify(p, null, 2) + '\n' : renderPlanText(p));
  return loaded.unreadable ? 2 : 0;
}
