/** Checks the files and folders named on the command line; the walk itself is server/src/node/files.ts. */
import * as fs from 'fs';
import { t } from '../core/l10n';

export class UsageError extends Error {}

/** Throws a UsageError naming the first input that does not exist (a dangling link counts). */
export function checkInputsExist(inputs: readonly string[]): void {
  for (const input of inputs) {
    try {
      fs.statSync(input);
    } catch {
      throw new UsageError(t('cannot read {0}: no such file or directory', input));
    }
  }
}
