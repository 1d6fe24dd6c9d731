// The main job: build, package the installable .vsix, and run the analysis on examples/.
// examples/broken.yaml is broken on purpose, so the check must find errors (exit 1);
// anything else (a crash, exit 2, or a broken example that passes) fails the job.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';

function sh(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`main: ${cmd} ${args.join(' ')} failed (${r.status})`);
    process.exit(r.status || 1);
  }
}

sh(process.execPath, ['scripts/build.mjs']);
sh('npx', ['--no-install', 'vsce', 'package', '--no-dependencies', '--skip-license', '--no-rewrite-relative-links', '--out', 'netpol-lens.vsix']);
console.log(`\nnetpol-lens.vsix: ${statSync('netpol-lens.vsix').size} bytes\n\n$ netpol-lens check examples/`);
const check = spawnSync(process.execPath, ['dist/cli.js', 'check', 'examples/'], { stdio: 'inherit' });
if (check.status !== 1) {
  console.error(`main: expected the check to report the errors in examples/broken.yaml (exit 1), got exit ${check.status}`);
  process.exit(1);
}
console.log('\nmain: done (the errors above are examples/broken.yaml\'s, on purpose).');
