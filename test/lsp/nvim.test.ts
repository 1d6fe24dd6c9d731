/**
 * A second, independent editor: headless Neovim (0.7+, Debian's package) runs the built server
 * with its own LSP client (test/nvim/init.lua), opens examples/broken.yaml, and test/nvim/probe.lua
 * writes what it saw (diagnostics, a hover, code actions) as JSON. This proves the server speaks
 * plain LSP over stdio, not only to vscode-languageclient.
 *
 * Neovim is required: without `nvim` on PATH this test fails (it does not skip) and says how to
 * install it. .ci/run installs it.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../harness/files';

interface ProbeResult {
  readonly nvim?: { major: number; minor: number; patch: number };
  readonly filetype?: string;
  readonly clients?: readonly string[];
  readonly diagnostics?: readonly { lnum: number; col: number; severity: number; code?: string; source?: string; message: string }[];
  readonly hover?: string | null;
  readonly code_actions?: readonly { title: string; kind?: string }[];
  readonly error?: string;
}

test('Neovim as an LSP client: diagnostics, hover and a quick fix from the server over stdio', { timeout: 120_000 }, (t) => {
  const nvim = process.env.NVIM_BIN || 'nvim';
  const version = spawnSync(nvim, ['--version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) {
    assert.fail(`Neovim is required for this test but \`${nvim} --version\` failed (${version.error?.message ?? `exit ${version.status}`}). Install neovim: \`apt-get update && apt-get install -y neovim\` (Debian's 0.7.2 is enough), or set NVIM_BIN to its path.`);
  }
  t.diagnostic(version.stdout.split('\n')[0]);

  const root = repoRoot();
  const server = path.join(root, 'dist', 'server.js');
  assert.ok(fs.existsSync(server), `${server} is missing: run \`node scripts/build.mjs\` first`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-nvim-'));
  try {
    // Neovim writes its state, shada and LSP log under these: keep them out of the real home.
    const home = path.join(dir, 'home');
    const xdg = Object.fromEntries(['CONFIG', 'DATA', 'STATE', 'CACHE', 'RUNTIME'].map((k) => [`XDG_${k}_HOME`, path.join(home, k.toLowerCase())]));
    for (const d of Object.values(xdg)) fs.mkdirSync(d, { recursive: true });
    const work = path.join(dir, 'work');
    fs.mkdirSync(work);
    const file = path.join(work, 'broken.yaml');
    fs.copyFileSync(path.join(root, 'examples', 'broken.yaml'), file);
    const init = path.join(dir, 'init.lua');
    const probe = path.join(dir, 'probe.lua');
    fs.copyFileSync(path.join(root, 'test', 'nvim', 'init.lua'), init);
    fs.copyFileSync(path.join(root, 'test', 'nvim', 'probe.lua'), probe);
    const out = path.join(dir, 'result.json');

    const started = Date.now();
    const run = spawnSync(nvim, ['--headless', '--clean', '-u', init, '-c', `luafile ${probe}`, file], {
      cwd: work,
      encoding: 'utf8',
      timeout: 90_000,
      env: { ...process.env, HOME: home, ...xdg, NETPOL_LENS_SERVER: server, NETPOL_LENS_NODE: process.execPath, NETPOL_LENS_OUT: out },
    });
    t.diagnostic(`nvim ran in ${Date.now() - started} ms, exit ${run.status}${run.signal ? ` (${run.signal})` : ''}`);
    const lspLog = path.join(xdg.XDG_CACHE_HOME, 'nvim', 'lsp.log');
    const context = () => `\nnvim exit ${run.status} ${run.signal ?? ''}${run.error ? ` (${run.error.message})` : ''}\nstdout: ${run.stdout}\nstderr: ${run.stderr}\nlsp.log: ${fs.existsSync(lspLog) ? fs.readFileSync(lspLog, 'utf8').slice(-3000) : '(none)'}`;
    assert.ok(fs.existsSync(out), `the probe wrote no result${context()}`);
    const result = JSON.parse(fs.readFileSync(out, 'utf8')) as ProbeResult;
    assert.equal(result.error, undefined, `the probe failed: ${result.error}${context()}`);
    assert.equal(run.status, 0, `nvim exited with ${run.status}${context()}`);

    t.diagnostic(`Neovim saw: diagnostics ${(result.diagnostics ?? []).map((d) => `${d.source}/${d.code}@${d.lnum + 1}`).join(' ')}; hover ${JSON.stringify(String(result.hover).slice(0, 80))}; code actions ${JSON.stringify((result.code_actions ?? []).map((a) => a.title))}`);
    assert.equal(result.filetype, 'yaml');
    assert.deepEqual(result.clients, ['netpol-lens']);
    const codes = (result.diagnostics ?? []).filter((d) => d.source === 'netpol').map((d) => d.code);
    assert.ok(codes.includes('NP204'), `NP204 (endPort) with source netpol, got ${JSON.stringify(result.diagnostics)}`);
    assert.ok(codes.includes('NP206'), `NP206 (protocol tcp) with source netpol, got ${JSON.stringify(result.diagnostics)}`);
    assert.match(String(result.hover), /Broken_Policy/, 'the hover names the policy');
    const titles = (result.code_actions ?? []).map((a) => a.title);
    assert.ok(titles.includes('Change the protocol to TCP'), `quick fix offered on the protocol line, got ${JSON.stringify(titles)}`);
    assert.equal((result.code_actions ?? []).find((a) => a.title === 'Change the protocol to TCP')?.kind, 'quickfix');
    // The templates too (the request has no `only`, as vim.lsp.buf.code_action() sends it), once each.
    const templates = titles.filter((x) => x.startsWith('Insert '));
    assert.deepEqual(templates, ['Insert allow-frontend-to-backend', 'Insert allow-egress-to-external-api', 'Insert deny-ingress-from-external', 'Insert default-deny-all', 'Insert allow-DNS egress']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
