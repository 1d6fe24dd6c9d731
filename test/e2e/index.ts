/**
 * The test runner VS Code loads from `extensionTestsPath` (the desktop VS Code through
 * @vscode/test-electron, or the VS Code server driven by scripts/e2e-offline.mjs). It runs every
 * compiled `*.test.js` next to this file with mocha (tdd UI, spec reporter, no colours) and
 * rejects when a test fails, which makes VS Code exit with code 1.
 *
 * Around mocha's report it logs two machine-readable lines, `[netpol-e2e-start] ...` before and
 * `[netpol-e2e-result] {"passed":..,"failed":..,"pending":..}` after; scripts/e2e-offline.mjs uses
 * them to tell the report from the workbench's own log and to print its `N passed, N failed` line.
 *
 * E2E_GREP=text (environment) runs only the tests whose full title contains `text`.
 * NETPOL_E2E_LOCALE=ko (set by scripts/e2e-offline.mjs for E2E_LOCALE=ko, which also makes ko the
 * display language) runs only the suite in the folder of that name (test/e2e/ko/); without it,
 * those locale folders are left out. Under the
 * offline driver with E2E_SCREENSHOT set, the driver saves a screenshot (Problems panel open)
 * after the last test, while the extension host still runs.
 */
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import { requestScreenshot } from './helpers';

export const START_MARKER = '[netpol-e2e-start]';
export const RESULT_MARKER = '[netpol-e2e-result]';

/** Folders holding a suite for one display language, run only under that language. */
const LOCALE_SUITES = ['ko'];

/** Compiled test files under `dir`, sorted so the order is the same on every machine. */
function findTestFiles(dir: string, skip: readonly string[] = []): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && skip.includes(entry.name)) continue;
    if (entry.isDirectory()) out.push(...findTestFiles(full));
    else if (entry.isFile() && entry.name.endsWith('.test.js')) out.push(full);
  }
  return out.sort();
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', reporter: 'spec', color: false, timeout: 60_000, slow: 10_000 });
  const grep = process.env.E2E_GREP;
  if (grep) mocha.grep(grep);

  const locale = process.env.NETPOL_E2E_LOCALE;
  if (locale && !LOCALE_SUITES.includes(locale)) return Promise.reject(new Error(`no e2e suite for the locale ${locale}`));
  const files = locale ? findTestFiles(path.join(__dirname, locale)) : findTestFiles(__dirname, LOCALE_SUITES);
  if (files.length === 0) return Promise.reject(new Error(`no *.test.js files in ${__dirname}; run npm run compile-tests`));
  for (const file of files) mocha.addFile(file);

  return new Promise<void>((resolve, reject) => {
    console.log(`${START_MARKER} ${files.length} test file(s)${grep ? `, grep ${JSON.stringify(grep)}` : ''}`);
    try {
      const runner = mocha.run((failures) => {
        const stats = runner.stats ?? { passes: 0, failures, pending: 0 };
        void finalScreenshot().finally(() => {
          console.log(`${RESULT_MARKER} ${JSON.stringify({ passed: stats.passes, failed: stats.failures, pending: stats.pending })}`);
          if (failures > 0) reject(new Error(`${failures} e2e test(s) failed`));
          else resolve();
        });
      });
    } catch (err) {
      // A test file that throws while loading ends up here.
      console.error(err);
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}

/** The screenshot E2E_SCREENSHOT asks for, taken while the language server still runs. */
async function finalScreenshot(): Promise<void> {
  const file = process.env.NETPOL_E2E_SCREENSHOT;
  if (!file) return;
  try {
    await vscode.commands.executeCommand('workbench.actions.view.problems');
  } catch {
    // Only cosmetic.
  }
  await requestScreenshot(file);
}
