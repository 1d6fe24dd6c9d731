// The reachability view's first paint: `netpol-lens matrix --format html` of a workspace, opened
// in headless Chromium (playwright-core, /usr/bin/chromium or CHROMIUM_PATH), timed from
// navigation start to the view's `netpol-first-paint` performance mark (set in the first
// animation frame after the graph, or the matrix, is in the DOM: the graph in the quick layout,
// client/src/webview/layout.ts, while ELK starts in its worker), and to `netpol-layout` (the first
// frame with ELK's layout drawn in its place). The page runs the same script as the VS Code
// webview (dist/webview.js). Used by scripts/bench.mjs; alone:
//   node scripts/bench-webview.mjs <workspace folder> [maxEdges...]
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};

/**
 * Writes the page for `workspace` with `maxEdges` and times its first paint `runs` times (a fresh
 * page each time, same browser). Returns sizes, the model's counts and the samples in ms.
 */
export async function measureWebview(workspace, { maxEdges = 10000, runs = 3, timeoutMs = 120_000 } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-bench-html-'));
  const file = path.join(dir, 'reachability.html');
  try {
    const t0 = performance.now();
    const cli = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'matrix', '--format', 'html', '--max-edges', String(maxEdges), workspace], { encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, LC_ALL: 'C' } });
    const cliMs = performance.now() - t0;
    if (cli.status !== 0) return { maxEdges, error: `netpol-lens exited ${cli.status}: ${cli.stderr.slice(0, 300)}` };
    fs.writeFileSync(file, cli.stdout);
    const stats = /"stats":(\{[^}]*\})/.exec(cli.stdout);
    const model = stats ? JSON.parse(stats[1]) : {};
    const { chromium } = require('playwright-core');
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
    const paints = [];
    const scripts = [];
    const layouts = [];
    const errors = [];
    try {
      for (let i = 0; i < runs; i++) {
        const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
        page.on('pageerror', (e) => errors.push(e.message));
        await page.goto(pathToFileURL(file).href, { waitUntil: 'commit', timeout: timeoutMs });
        await page.waitForSelector('body[data-painted="true"]', { timeout: timeoutMs });
        // ELK's layout (it replaces the quick layout; a page without a layout worker keeps the quick one).
        await page.waitForFunction(() => performance.getEntriesByName('netpol-layout').length > 0 || document.body.dataset.layoutError !== undefined, null, { timeout: timeoutMs }).catch(() => undefined);
        const t = await page.evaluate(() => ({ paint: performance.getEntriesByName('netpol-first-paint')[0]?.startTime, layout: performance.getEntriesByName('netpol-layout')[0]?.startTime, interactive: performance.getEntriesByType('navigation')[0]?.domInteractive }));
        paints.push(Math.round(t.paint));
        scripts.push(Math.round(t.interactive));
        layouts.push(t.layout === undefined ? null : Math.round(t.layout));
        await page.close();
      }
    } finally {
      await browser.close();
    }
    return { maxEdges, htmlBytes: cli.stdout.length, cliMs: Math.round(cliMs), pods: model.pods, nodes: model.nodes, edges: model.edges, paintSamples: paints, paintMs: median(paints), scriptDoneSamples: scripts, layoutSamples: layouts, layoutMs: median(layouts.filter((x) => x !== null)), errors };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [workspace, ...caps] = process.argv.slice(2);
  if (!workspace) {
    console.error('usage: node scripts/bench-webview.mjs <workspace folder> [maxEdges...]');
    process.exit(2);
  }
  for (const cap of caps.length ? caps.map(Number) : [10000]) console.log(JSON.stringify(await measureWebview(workspace, { maxEdges: cap })));
}
