/**
 * `netpol-lens matrix --format html` opened in headless Chromium (playwright-core,
 * /usr/bin/chromium): on the guide's scenario and on a generated 1,000-pod workspace the page
 * draws with no console error, no page error and no request but the file itself (every request is
 * routed and any other one fails the test); the graph, the matrix and the explanations show the
 * model's verdicts.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, Browser, Page } from 'playwright-core';
import { repoRoot } from '../harness/files';

const root = repoRoot();
const cli = path.join(root, 'dist', 'cli.js');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const seed = ['examples/allow-egress-to-external-api.yaml', 'examples/allow-frontend-to-backend.yaml', 'examples/deny-ingress-from-external.yaml', 'test/fixtures/workspaces/seed/pods.yaml'];
/** Generous: two cores shared with other work; the bench measures speed, not this. */
const DEADLINE_MS = 180_000;

function html(args: string[], cwd = root): { file: string; dir: string } {
  const r = spawnSync(process.execPath, [cli, 'matrix', '--format', 'html', ...args], { cwd, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' }, maxBuffer: 512 * 1024 * 1024 });
  assert.equal(r.status, 0, r.stderr);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-html-'));
  const file = path.join(dir, 'reachability.html');
  fs.writeFileSync(file, r.stdout);
  return { file, dir };
}

interface Opened {
  readonly page: Page;
  readonly problems: string[];
  readonly requests: string[];
}

/** Opens `file`; every request other than the file itself is aborted and recorded, as are console errors. */
async function open(browser: Browser, file: string): Promise<Opened> {
  const url = pathToFileURL(file).href;
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.route('**/*', (route) => {
    const u = route.request().url();
    requests.push(u);
    if (u === url) return route.continue();
    return route.abort();
  });
  // Not waiting for `load`: the page's script runs the first layout; body[data-painted] says it drew.
  await page.goto(url, { waitUntil: 'commit', timeout: DEADLINE_MS });
  await page.waitForSelector('body[data-painted="true"]', { timeout: DEADLINE_MS });
  return { page, problems, requests };
}

function edgeLabels(page: Page): Promise<{ from: string; to: string; label: string }[]> {
  return page.$$eval('.edge', (es) => es.map((e) => ({ from: e.getAttribute('data-from') ?? '', to: e.getAttribute('data-to') ?? '', label: e.getAttribute('aria-label') ?? '' })));
}

test('the guide: frontend → backend is an edge, database → backend is not; the explanation names the policy; no request, no error', async () => {
  const { file, dir } = html(seed);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const { page, problems, requests } = await open(browser, file);
    const edges = await edgeLabels(page);
    const frontend = 'pod:default/frontend-pod';
    const backend = edges.find((e) => e.from === frontend && e.to.startsWith('pod:default/backend'))?.to;
    assert.ok(backend, `no frontend → backend edge among ${JSON.stringify(edges)}`);
    assert.ok(!edges.some((e) => e.from === 'pod:default/database' && e.to === backend), 'database → backend must not be an edge');
    // The guide's backend is isolated both ways: the node carries both marks.
    assert.equal(await page.$$eval(`.node[data-id="${backend}"] .iso-bar`, (b) => b.length), 2);
    // ELK lays the graph out in its worker (a blob: URL the CSP allows) and replaces the quick layout.
    await page.waitForSelector('body[data-layout="elk"]', { timeout: DEADLINE_MS });
    assert.equal(await page.$eval('#graph-svg', (s) => s.getAttribute('data-layout')), 'layered');
    const marks = await page.evaluate(() => ['netpol-first-paint', 'netpol-layout'].map((n) => performance.getEntriesByName(n)[0]?.startTime ?? -1));
    assert.ok(marks[0] >= 0 && marks[0] <= marks[1], `first paint ${marks[0]} ms, ELK layout ${marks[1]} ms`);
    // Click the edge (its label) and read the explanation embedded in the page.
    await page.click(`.edge[data-from="${frontend}"][data-to="${backend}"] .edge-label`);
    const text = await page.waitForSelector('#explain .verdict', { timeout: 10_000 }).then(() => page.$eval('#explain', (e) => (e as HTMLElement).innerText));
    assert.match(text, /allowed/);
    assert.match(text, /allow-frontend-to-backend/);
    assert.match(text, /allow-frontend-to-backend\.yaml:\d+/);
    // The matrix on 8080/TCP: frontend → backend allowed, database → backend blocked.
    await page.click('#tab-matrix');
    await page.fill('#port-input', '8080/TCP');
    await page.press('#port-input', 'Enter');
    await page.waitForSelector('#port-input', { timeout: 1000 });
    const cell = async (from: string, to: string) =>
      page.$$eval('.cell', (cells, [f, t]) => {
        const rows = [...document.querySelectorAll('.rowhead')].map((r) => r.textContent);
        const r = rows.findIndex((x) => x === f);
        const c = rows.findIndex((x) => x === t);
        return cells.find((x) => (x as HTMLElement).dataset.r === String(r) && (x as HTMLElement).dataset.c === String(c))?.className;
      }, [from, to]);
    assert.match((await cell('default/frontend-pod', 'default/backend (Deployment)')) ?? '', /\ballowed\b/);
    assert.match((await cell('default/database', 'default/backend (Deployment)')) ?? '', /\bblocked\b/);
    assert.deepEqual(problems, []);
    assert.deepEqual(requests, [pathToFileURL(file).href]);
  } finally {
    await browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('no layout worker (a CSP without worker-src): the quick layout is the view, with the same edges', async () => {
  const { file, dir } = html(seed);
  const text = fs.readFileSync(file, 'utf8');
  assert.match(text, /worker-src blob:; /);
  fs.writeFileSync(file, text.replace('worker-src blob:; ', ''));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const { page, problems } = await open(browser, file);
    await page.waitForSelector('body[data-layout-error]', { timeout: DEADLINE_MS });
    assert.equal(await page.$eval('#graph-svg', (s) => s.getAttribute('data-layout')), 'quick');
    const edges = await edgeLabels(page);
    const frontend = 'pod:default/frontend-pod';
    assert.ok(edges.some((e) => e.from === frontend && e.to.startsWith('pod:default/backend')), JSON.stringify(edges));
    assert.ok(!edges.some((e) => e.from === 'pod:default/database' && e.to.startsWith('pod:default/backend')));
    // The refused worker is the only complaint.
    assert.deepEqual(problems.filter((p) => !/Content Security Policy|worker/i.test(p)), []);
  } finally {
    await browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a generated 1,000-pod workspace (--max-edges 100000): namespaces start collapsed, the matrix is virtualised and scrolls to the last pod; no request, no error', async () => {
  const gen = (await import(pathToFileURL(path.join(root, 'scripts', 'gen-policies.mjs')).href)) as { generateWorkspace(o: object): { name: string; text: string }[] };
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-ws-'));
  let out: { file: string; dir: string } | undefined;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    for (const f of gen.generateWorkspace({ namespaces: 100, pods: 1000, policies: 500, seed: 7 })) {
      fs.mkdirSync(path.dirname(path.join(ws, f.name)), { recursive: true });
      fs.writeFileSync(path.join(ws, f.name), f.text);
    }
    // The default cap (10,000 edges, as in VS Code) keeps two namespaces of this dense workspace
    // (611k allowed pairs in all); a higher cap gives the view a few hundred nodes and 30k edges.
    out = html([ws, '--max-edges', '100000']);
    const data = JSON.parse(/<script type="application\/json" id="netpol-data">([\s\S]*?)<\/script>/.exec(fs.readFileSync(out.file, 'utf8'))![1]) as { model: { nodes: { kind: string; namespace?: string; label: string }[]; namespaces: unknown[]; edges: unknown[]; omittedNamespaces?: string[] }; explained: number };
    // The wire form: three numbers an edge.
    const edgeCount = data.model.edges.length / 3;
    assert.ok(data.model.nodes.length > 300 && edgeCount > 20_000, `${data.model.nodes.length} nodes, ${edgeCount} edges`);
    assert.equal(data.explained, Math.min(2000, edgeCount));
    const { page, problems, requests } = await open(browser, out.file);
    // Collapsed: one node per namespace shown (and one for the external ranges), no pod node drawn.
    const namespaces = new Set(data.model.nodes.filter((n) => n.kind === 'pods').map((n) => n.namespace));
    const drawn = await page.$$eval('.node', (ns) => ns.map((n) => n.getAttribute('data-id') ?? ''));
    assert.deepEqual(drawn.filter((id) => id.startsWith('ns:')).sort(), [...namespaces].map((n) => `ns:${n}`).sort());
    assert.equal(drawn.filter((id) => id.startsWith('pod:') || id.startsWith('group:') || id.startsWith('ip:')).length, 0);
    // Namespaces left out (past the edge cap, as in the panel) are listed on the page.
    if (data.model.omittedNamespaces?.length) assert.match(await page.$eval('#notices', (e) => (e as HTMLElement).innerText), new RegExp(data.model.omittedNamespaces[0]));
    // The namespace picker (from the notice's button): every namespace of the workspace; those not in
    // the page are disabled here (the page cannot ask for them). Choosing one leaves the others out.
    await page.click('#omitted-choose');
    await page.waitForSelector('#namespace-picker:not([hidden])', { timeout: 10_000 });
    const boxes = await page.$$eval('#namespace-list input', (l) => l.map((b) => ({ ns: (b as HTMLInputElement).value, disabled: (b as HTMLInputElement).disabled, checked: (b as HTMLInputElement).checked })));
    assert.equal(boxes.length, new Set([...namespaces, ...(data.model.omittedNamespaces ?? [])]).size);
    assert.deepEqual(boxes.filter((b) => b.checked).map((b) => b.ns).sort(), [...namespaces].sort());
    assert.deepEqual(boxes.filter((b) => b.disabled).map((b) => b.ns).sort(), [...(data.model.omittedNamespaces ?? [])].sort());
    const first = [...namespaces][0];
    await page.click('#namespace-none');
    await page.check(`#namespace-list li[data-namespace="${first}"] input`);
    await page.click('#namespace-apply');
    await page.waitForFunction((want) => [...document.querySelectorAll('#graph-svg .node[data-id^="ns:"]')].map((n) => n.getAttribute('data-id')).join() === want, `ns:${first}`, { timeout: DEADLINE_MS });
    // Expanding one namespace (keyboard: focus it, Enter) draws its pods.
    await page.focus(`.node[data-id="ns:${first}"]`);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`.node[data-id^="pod:${first}/"], .node[data-id^="group:${first}/"]`, { timeout: DEADLINE_MS });
    // Every namespace of the page again.
    await page.click('#namespaces-button');
    await page.click('#namespace-all');
    await page.click('#namespace-apply');
    await page.waitForFunction((k) => document.querySelectorAll('#graph-svg .node[data-id^="ns:"]').length === k, namespaces.size - 1, { timeout: DEADLINE_MS });
    // The matrix: far fewer cells in the DOM than pairs; the last row appears once scrolled there.
    await page.click('#tab-matrix');
    const n = await page.$$eval('.rowhead', () => document.querySelector('#matrix')!.getAttribute('aria-rowcount'));
    const rows = Number(n) - 1;
    assert.equal(rows, data.model.nodes.length);
    const cells = await page.$$eval('.cell', (c) => c.length);
    assert.ok(cells > 0 && cells < (rows * rows) / 20, `${cells} cells in the DOM for ${rows * rows} pairs`);
    await page.$eval('#matrix', (m) => (m.scrollTop = m.scrollHeight));
    const lastNode = data.model.nodes[data.model.nodes.length - 1];
    const last = lastNode.kind === 'pods' ? `${lastNode.namespace}/${lastNode.label}` : lastNode.label;
    await page
      .waitForFunction((want) => [...document.querySelectorAll('.rowhead')].some((r) => r.textContent === want), last, { timeout: 10_000 })
      .catch(async () => assert.fail(`the last row ${last} is not drawn after scrolling: ${await page.$$eval('.rowhead', (r) => r.slice(-3).map((x) => x.textContent).join(', '))}`));
    assert.deepEqual(problems, []);
    assert.deepEqual(requests, [pathToFileURL(out.file).href]);
  } finally {
    await browser.close();
    fs.rmSync(ws, { recursive: true, force: true });
    if (out) fs.rmSync(out.dir, { recursive: true, force: true });
  }
});
