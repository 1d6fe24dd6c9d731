/**
 * `netpol-lens test <paths> [--format text|json|junit]`: checks every connectivity assertion
 * (`# netpol-lens expect: FROM -> TO:PORT allowed|blocked|partially`) in the YAML files against
 * the policies in them. Exit status: 0 every assertion holds, 1 one fails, 2 one cannot be
 * checked (syntax, unknown endpoint or port), no assertion at all, bad usage or unreadable input.
 */
import { renderTestJunit, renderTestText, runAssertions, testExitCode, testJson } from '../core';
import { UsageError } from './files';
import { Io, parseArgs, readWorld } from './load';
import { t } from '../core/l10n';

const TEST_OPTIONS = {
  '--format': { name: 'format', value: true },
  '-f': { name: 'format', value: true },
} as const;

export function test(args: readonly string[], io: Io): number {
  const { positionals, values } = parseArgs(args, TEST_OPTIONS);
  const format = values.get('format') ?? 'text';
  if (!['text', 'json', 'junit'].includes(format)) throw new UsageError(t('--format must be text, json or junit, not {0}', JSON.stringify(format)));
  const loaded = readWorld(positionals, io);
  const run = runAssertions(loaded.world, loaded.files, loaded.locate);
  if (format === 'json') io.stdout(JSON.stringify(testJson(run, loaded.locate), null, 2) + '\n');
  else if (format === 'junit') io.stdout(renderTestJunit(run, loaded.locate));
  else io.stdout(renderTestText(run, loaded.locate));
  return loaded.unreadable ? 2 : testExitCode(run);
}
