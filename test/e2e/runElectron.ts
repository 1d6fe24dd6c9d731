/**
 * Runs the e2e suite in a desktop VS Code that @vscode/test-electron downloads (so it needs
 * internet; use scripts/e2e-offline.mjs where there is none). `npm run test:e2e:electron`.
 *
 * On a Linux machine without a display run it under a virtual one: `xvfb-run -a npm run test:e2e:electron`.
 * VSCODE_TEST_VERSION picks the VS Code version (default 1.100.3, the oldest this extension
 * supports and the one the offline route uses; `stable` or `insiders` also work).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  // This file compiles to out/test/e2e/runElectron.js.
  const repoRoot = path.resolve(__dirname, '..', '..', '..');
  const sourceDir = path.join(repoRoot, 'test', 'e2e');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-e2e-electron-'));
  try {
    // Tests edit the fixtures (without saving); give them a copy so the sources never change.
    const workspace = path.join(tmp, 'workspace');
    fs.cpSync(path.join(sourceDir, 'workspace'), workspace, { recursive: true });
    // A git repository with one commit: the semantic diff test compares with its HEAD.
    const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 'e2e', GIT_AUTHOR_EMAIL: 'e2e@example.invalid', GIT_COMMITTER_NAME: 'e2e', GIT_COMMITTER_EMAIL: 'e2e@example.invalid' };
    for (const args of [['init', '-q'], ['add', '-A'], ['commit', '-q', '-m', 'e2e workspace']]) spawnSync('git', args, { cwd: workspace, env: gitEnv });
    // A fresh profile with the settings that keep the workbench from asking anything.
    const userDataDir = path.join(tmp, 'user-data');
    fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
    fs.copyFileSync(path.join(sourceDir, 'user-settings.json'), path.join(userDataDir, 'User', 'settings.json'));

    await runTests({
      version: process.env.VSCODE_TEST_VERSION || '1.100.3',
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(__dirname, 'index'),
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-telemetry',
        `--user-data-dir=${userDataDir}`,
        `--extensions-dir=${path.join(tmp, 'extensions')}`,
      ],
    });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`e2e (electron) failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
