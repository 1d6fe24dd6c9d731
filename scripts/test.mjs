// Runs the whole test suite after `npm run build && npm run compile-tests`:
// core and CLI unit tests, language-server tests over JSON-RPC, then the real-editor e2e test, once
// in English and once under the Korean display language (test/e2e/ko/).
// Prints one closing line "N passed, N failed" and exits non-zero on any failure.
import { spawn } from 'node:child_process';

const steps = [
  { name: 'core + cli', cmd: process.execPath, args: ['--test', '--test-reporter=tap', 'out/test/core/', 'out/test/cli/'] },
  { name: 'lsp', cmd: process.execPath, args: ['--test', '--test-reporter=tap', '--test-concurrency=1', 'out/test/lsp/'] },
  { name: 'e2e', cmd: process.execPath, args: ['scripts/e2e-offline.mjs'], skip: process.env.NETPOL_SKIP_E2E === '1', env: { E2E_LOCALE: '' } },
  { name: 'e2e (display language ko)', cmd: process.execPath, args: ['scripts/e2e-offline.mjs'], skip: process.env.NETPOL_SKIP_E2E === '1', env: { E2E_LOCALE: 'ko' } },
];

let passed = 0;
let failed = 0;
let broken = false;
for (const step of steps) {
  if (step.skip) {
    console.log(`\n== ${step.name}: skipped (NETPOL_SKIP_E2E=1)`);
    continue;
  }
  console.log(`\n== ${step.name}`);
  const out = await new Promise((resolve) => {
    const child = spawn(step.cmd, step.args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...step.env } });
    let text = '';
    child.stdout.on('data', (d) => {
      text += d;
      process.stdout.write(d);
    });
    child.on('close', (code) => resolve({ code, text }));
  });
  const p = /^# pass (\d+)$/m.exec(out.text) ?? /^(\d+) passed, \d+ failed$/m.exec(out.text);
  const f = /^# fail (\d+)$/m.exec(out.text) ?? /^\d+ passed, (\d+) failed$/m.exec(out.text);
  passed += p ? Number(p[1]) : 0;
  failed += f ? Number(f[1]) : 0;
  if (out.code !== 0) {
    broken = true;
    if (!f || Number(f[1]) === 0) failed += 1; // A step that died without counting still fails.
    console.log(`== ${step.name} exited with ${out.code}`);
  }
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exitCode = broken || failed > 0 ? 1 : 0;
