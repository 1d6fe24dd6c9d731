#!/usr/bin/env node
// Runs the e2e suite (out/test/e2e) in a real VS Code without internet: the VS Code server bundled
// in the code-server npm package, driven by Debian's headless Chromium through playwright-core.
// More in test/e2e/README.md.
//
//   npm run build && npm run compile-tests && node scripts/e2e-offline.mjs
//
// 1. Installs code-server and playwright-core once into .e2e-cache/ (outside the project's own
//    dependency tree; Debian packages are .ci/run's job, this script only checks for them).
// 2. Starts the VS Code server on a free 127.0.0.1 port with a temporary HOME and data dirs.
// 3. Opens the workbench in headless Chromium with extensionDevelopmentPath = this repository and
//    extensionTestsPath = out/test/e2e/index.js, on a temporary copy of test/e2e/workspace/.
// 4. Prints the mocha report the extension host sends, then `N passed, N failed`; exits 0 only if
//    every test passed. Server and browser are always stopped, also on errors and timeouts.
//
// Environment: E2E_TIMEOUT_MS (default 180000, one run), E2E_INSTALL_TIMEOUT_MS (default 900000),
// E2E_SCREENSHOT=file.png, E2E_GREP=text, E2E_VERBOSE=1, E2E_KEEP_TMP=1, E2E_CACHE_DIR, E2E_CHROMIUM.
// E2E_LOCALE=ko (or the argument --locale ko) runs the workbench with that display language and only the suite test/e2e/<locale>/
// (see displayLanguage below); without it, every suite except the locale ones runs.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import util from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const CODE_SERVER_VERSION = '4.100.3'; // VS Code 1.100.3, the last code-server that runs on Node 20
const PLAYWRIGHT_VERSION = '1.65.1';
// @vscode/ripgrep (inside code-server) downloads rg from GitHub in its postinstall, unless its
// cache already holds the archive: we put Debian's rg there.
const RIPGREP_PACKAGE_VERSION = '1.15.11';
const RIPGREP_TAG = 'v13.0.0-10';
const RIPGREP_TARGETS = { x64: 'x86_64-unknown-linux-musl', arm64: 'aarch64-unknown-linux-musl' };

const CACHE_DIR = path.resolve(process.env.E2E_CACHE_DIR || path.join(ROOT, '.e2e-cache'));
const TOOLS_DIR = path.join(CACHE_DIR, `code-server-${CODE_SERVER_VERSION}-playwright-core-${PLAYWRIGHT_VERSION}`);
const COMPLETE_MARKER = '.complete';
const SERVER_MAIN = path.join(TOOLS_DIR, 'node_modules', 'code-server', 'lib', 'vscode', 'out', 'server-main.js');
const CHROMIUM = process.env.E2E_CHROMIUM || '/usr/bin/chromium';

const RUN_TIMEOUT_MS = positiveInt('E2E_TIMEOUT_MS', 180_000);
const INSTALL_TIMEOUT_MS = positiveInt('E2E_INSTALL_TIMEOUT_MS', 900_000);
const VERBOSE = process.env.E2E_VERBOSE === '1';
const KEEP_TMP = process.env.E2E_KEEP_TMP === '1';
const SCREENSHOT = process.env.E2E_SCREENSHOT ? path.resolve(process.env.E2E_SCREENSHOT) : undefined;
const LOCALE_ARG = process.argv.indexOf('--locale');
const LOCALE = (LOCALE_ARG >= 0 ? process.argv[LOCALE_ARG + 1] ?? '' : process.env.E2E_LOCALE || '').trim();
if (LOCALE && !/^[a-z]{2,3}(-[A-Za-z0-9]+)*$/.test(LOCALE)) throw new Error(`E2E_LOCALE must be a language tag such as ko, not ${JSON.stringify(LOCALE)}`);

const TESTS_INDEX = path.join(ROOT, 'out', 'test', 'e2e', 'index.js');
const WORKSPACE_SOURCE = path.join(ROOT, 'test', 'e2e', 'workspace');
const USER_SETTINGS = path.join(ROOT, 'test', 'e2e', 'user-settings.json');
// Logged by out/test/e2e/index.js around the mocha report.
const START_MARKER = '[netpol-e2e-start]';
const RESULT_MARKER = '[netpol-e2e-result]';
const SCREENSHOT_MARKER = '[netpol-e2e-screenshot]'; // logged by test/e2e/helpers.ts requestScreenshot()
const ARTIFACTS_DIR = path.resolve(process.env.E2E_ARTIFACTS_DIR || path.join(ROOT, 'e2e-artifacts', LOCALE || 'en'));
const UI_MARKER = '[netpol-e2e-ui]'; // logged by test/e2e/helpers.ts ui(): a user action for the driver to perform

class E2EError extends Error {}

function positiveInt(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (Number.isInteger(n) && n > 0) return n;
  process.stderr.write(`[e2e] error: ${name} must be a positive integer (milliseconds), got ${JSON.stringify(raw)}\n`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const log = (msg) => process.stderr.write(`[e2e] ${msg}\n`);
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
/** `file` relative to the repository when it is inside it, else absolute. */
const shown = (file) => (file.startsWith(ROOT + path.sep) ? path.relative(ROOT, file) : file);

/** Keeps the last lines of a noisy stream for the failure report. */
class Tail {
  constructor(name, max = 60) { this.name = name; this.max = max; this.lines = []; }
  push(text) {
    for (const line of String(text).split(/\r?\n/)) {
      if (!line.trim()) continue;
      if (VERBOSE) process.stderr.write(`[${this.name}] ${line}\n`);
      this.lines.push(line);
      if (this.lines.length > this.max) this.lines.shift();
    }
  }
  dump() {
    if (VERBOSE || this.lines.length === 0) return;
    process.stderr.write(`[e2e] last ${this.lines.length} lines of the ${this.name} log:\n`);
    for (const line of this.lines) process.stderr.write(`  ${line}\n`);
  }
}

// ---------------------------------------------------------------------------------------------
// Prerequisites and the cached install

function findOnPath(name) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch { /* not here */ }
  }
  return undefined;
}

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function checkRunPrerequisites() {
  const problems = [];
  if (process.platform !== 'linux') problems.push(`this script supports Linux only (platform is ${process.platform})`);
  if (!isExecutable(CHROMIUM)) problems.push(`Chromium not found at ${CHROMIUM} (Debian package: chromium)`);
  if (!fs.existsSync(path.join(ROOT, 'dist', 'client.js')) || !fs.existsSync(path.join(ROOT, 'dist', 'server.js'))) {
    problems.push('dist/client.js or dist/server.js is missing: run `npm run build` first');
  }
  if (!fs.existsSync(TESTS_INDEX)) problems.push(`${path.relative(ROOT, TESTS_INDEX)} is missing: run \`npm run compile-tests\` first`);
  if (!fs.existsSync(WORKSPACE_SOURCE)) problems.push(`${path.relative(ROOT, WORKSPACE_SOURCE)} is missing`);
  return problems;
}

function checkInstallPrerequisites() {
  const problems = [];
  const major = Number(process.versions.node.split('.')[0]);
  if (major !== 20) problems.push(`code-server ${CODE_SERVER_VERSION} installs only on Node 20 (this is Node ${process.versions.node})`);
  if (!RIPGREP_TARGETS[process.arch]) problems.push(`unsupported CPU architecture ${process.arch} (supported: ${Object.keys(RIPGREP_TARGETS).join(', ')})`);
  if (!findOnPath('rg')) problems.push('rg not found on PATH (Debian package: ripgrep)');
  if (!fs.existsSync('/usr/include/gssapi/gssapi.h')) problems.push('/usr/include/gssapi/gssapi.h not found (Debian package: libkrb5-dev)');
  for (const tool of ['gcc', 'g++', 'make']) if (!findOnPath(tool)) problems.push(`${tool} not found on PATH (Debian package: build-essential)`);
  if (!findOnPath('npm')) problems.push('npm not found on PATH');
  if (!findOnPath('python3')) problems.push('python3 not found on PATH (Debian package: python3)');
  if (!findOnPath('pkg-config')) problems.push('pkg-config not found on PATH (Debian package: pkg-config)');
  if (!fs.existsSync('/usr/include/node/node.h')) problems.push('Node headers not found in /usr/include/node (they come with the nodejs package; npm_config_nodedir=/usr needs them)');
  return problems;
}

function failOnProblems(problems, what) {
  if (problems.length === 0) return;
  throw new E2EError(`${what}:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
    'Install the Debian packages with: apt-get install -y --no-install-recommends build-essential python3 pkg-config libkrb5-dev ripgrep chromium (see .ci/run)');
}

function toolsInstalled() {
  return fs.existsSync(path.join(TOOLS_DIR, COMPLETE_MARKER)) && fs.existsSync(SERVER_MAIN) &&
    fs.existsSync(path.join(TOOLS_DIR, 'node_modules', 'playwright-core', 'package.json'));
}

function seedRipgrepCache() {
  const cacheDir = path.join(os.tmpdir(), `vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}`);
  const archive = path.join(cacheDir, `ripgrep-${RIPGREP_TAG}-${RIPGREP_TARGETS[process.arch]}.tar.gz`);
  if (fs.existsSync(archive) && fs.statSync(archive).size > 0) return;
  fs.mkdirSync(cacheDir, { recursive: true });
  const rg = fs.realpathSync(findOnPath('rg'));
  const partial = `${archive}.${process.pid}.tmp`;
  const tar = spawnSync('tar', ['czf', partial, '-C', path.dirname(rg), path.basename(rg)], { encoding: 'utf8' });
  if (tar.status !== 0) throw new E2EError(`could not pack ${rg} into ${archive}: ${tar.stderr || tar.error}`);
  fs.renameSync(partial, archive);
}

/** Runs a command with a deadline; its output goes to `logFile`. */
function runLogged(command, args, { cwd, env, logFile, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const out = fs.openSync(logFile, 'a');
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', out, out], detached: true });
    fs.closeSync(out);
    session.installPid = child.pid;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid, 'SIGKILL');
    }, timeoutMs);
    const stopOnSignal = () => killGroup(child.pid, 'SIGKILL');
    process.once('exit', stopOnSignal);
    child.on('error', (err) => { clearTimeout(timer); process.off('exit', stopOnSignal); reject(err); });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      process.off('exit', stopOnSignal);
      if (timedOut) reject(new E2EError(`${command} ${args.join(' ')} took longer than ${seconds(timeoutMs)}`));
      else if (code !== 0) reject(new E2EError(`${command} ${args.join(' ')} failed (${code ?? signal})`));
      else resolve();
    });
  });
}

/** Staging folders of installs that were killed (an hour is far longer than an install takes). */
function removeStaleStaging() {
  for (const name of fs.readdirSync(CACHE_DIR)) {
    if (!name.startsWith('.staging-')) continue;
    const dir = path.join(CACHE_DIR, name);
    try {
      if (Date.now() - fs.statSync(dir).mtimeMs > 3600_000) fs.rmSync(dir, { recursive: true, force: true });
    } catch { /* another run removed it */ }
  }
}

async function ensureTools() {
  if (toolsInstalled()) return false;
  failOnProblems(checkInstallPrerequisites(), 'cannot install the e2e tools (code-server, playwright-core)');
  log(`installing code-server@${CODE_SERVER_VERSION} and playwright-core@${PLAYWRIGHT_VERSION} into ${shown(TOOLS_DIR)} (once; about a minute)`);
  const started = Date.now();
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  removeStaleStaging();
  seedRipgrepCache();
  // Install into a staging folder and rename it at the end: an interrupted install never looks complete.
  const staging = fs.mkdtempSync(path.join(CACHE_DIR, '.staging-'));
  session.staging = staging;
  const logFile = path.join(CACHE_DIR, 'install.log');
  fs.writeFileSync(logFile, '');
  try {
    fs.writeFileSync(path.join(staging, 'package.json'), JSON.stringify({ name: 'netpol-lens-e2e-tools', private: true, version: '0.0.0' }, null, 2) + '\n');
    // Under `npm test` the environment carries the project's npm context (npm_config_local_prefix,
    // npm_package_*...): drop it, and name the prefix explicitly, so nothing lands in the project.
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) =>
      !/^npm_(config_local_prefix|package_|lifecycle_|command$|execpath$|node_execpath$)/i.test(key)));
    Object.assign(env, { npm_config_nodedir: '/usr', npm_config_yes: 'true', npm_config_update_notifier: 'false' });
    try {
      await runLogged('npm', ['install', '--prefix', staging, '--unsafe-perm', '--no-audit', '--no-fund', '--loglevel=warn',
        `code-server@${CODE_SERVER_VERSION}`, `playwright-core@${PLAYWRIGHT_VERSION}`], { cwd: staging, env, logFile, timeoutMs: INSTALL_TIMEOUT_MS });
    } catch (err) {
      process.stderr.write(fs.readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n') + '\n');
      throw new E2EError(`${err.message}; full log: ${logFile}`);
    }
    const bundledRg = path.join(staging, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg');
    for (const required of [SERVER_MAIN.replace(TOOLS_DIR, staging), bundledRg]) {
      if (!fs.existsSync(required)) throw new E2EError(`the install finished but ${required} is missing; see ${logFile}`);
    }
    fs.writeFileSync(path.join(staging, COMPLETE_MARKER), `${new Date().toISOString()}\n`);
    fs.rmSync(TOOLS_DIR, { recursive: true, force: true });
    fs.renameSync(staging, TOOLS_DIR);
    session.staging = undefined;
  } catch (err) {
    session.staging = undefined;
    fs.rmSync(staging, { recursive: true, force: true });
    // Another run may have completed the same install meanwhile.
    if (toolsInstalled()) return true;
    throw err;
  }
  log(`installed in ${seconds(Date.now() - started)}`);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Processes

function killGroup(pid, signal) {
  if (!pid) return false;
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // already gone
  }
}

/**
 * Whether a process of group `pgid` still runs. Zombies do not count: in a container whose PID 1
 * does not reap orphans promptly they linger for seconds, yet they hold nothing.
 */
function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  let entries;
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return true; // no /proc: trust kill(0)
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // pid (comm) state ppid pgrp ...; comm may contain spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') return true;
  }
  return false;
}

/** SIGTERM the process group, wait up to `graceMs`, then SIGKILL what is left and wait for it to go. */
async function stopGroup(pid, graceMs = 3000) {
  if (!pid || !groupAlive(pid)) return;
  killGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groupAlive(pid) && Date.now() < deadline) await delay(50);
  if (groupAlive(pid)) {
    killGroup(pid, 'SIGKILL');
    const hardDeadline = Date.now() + 2000;
    while (groupAlive(pid) && Date.now() < hardDeadline) await delay(50);
  }
  if (groupAlive(pid)) log(`warning: process group ${pid} is still alive after SIGKILL`);
}

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function httpOk(url) {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

// ---------------------------------------------------------------------------------------------
// One run

/** Everything a run starts, so `cleanup` can stop it whatever happened. */
const session = { installPid: undefined, staging: undefined, server: undefined, browserServer: undefined, browser: undefined, browserPid: undefined, page: undefined, tmp: undefined, cleaning: undefined };

/** Stops everything the run started; every caller waits for the same, single cleanup. */
function cleanup() {
  session.cleaning ??= doCleanup();
  return session.cleaning;
}

async function doCleanup() {
  if (session.installPid) await stopGroup(session.installPid, 1000);
  if (session.staging) fs.rmSync(session.staging, { recursive: true, force: true, maxRetries: 3 });
  if (session.browser || session.browserServer) {
    const closing = (async () => {
      await session.browser?.close().catch(() => undefined);
      await session.browserServer?.close().catch(() => undefined);
    })();
    // Closing should take well under a second; never wait forever on a wedged browser.
    await Promise.race([closing, delay(5000)]);
  }
  // Playwright starts Chromium in its own process group; stop whatever close() left behind.
  if (session.browserPid) await stopGroup(session.browserPid, 1000);
  if (session.server) await stopGroup(session.server.pid);
  if (session.tmp) {
    if (KEEP_TMP) log(`kept temporary files in ${session.tmp}`);
    else fs.rmSync(session.tmp, { recursive: true, force: true, maxRetries: 3 });
  }
}

async function startServer(tmp, env, serverTail) {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const args = [SERVER_MAIN, '--host', '127.0.0.1', '--port', String(port),
      '--without-connection-token', '--accept-server-license-terms', '--enable-smoke-test-driver',
      '--disable-telemetry', '--disable-workspace-trust',
      '--server-data-dir', path.join(tmp, 'server-data'), '--user-data-dir', path.join(tmp, 'user-data'),
      '--extensions-dir', path.join(tmp, 'extensions'), ...(LOCALE ? ['--locale', LOCALE] : [])];
    // Its own process group, so that the extension host and the language server it forks stop with it.
    const server = spawn(process.execPath, args, { cwd: tmp, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    session.server = server;
    let exited = null;
    server.on('exit', (code, signal) => { exited = code ?? signal; });
    server.on('error', (err) => { exited = err.message; });
    server.stdout.on('data', (d) => serverTail.push(d));
    server.stderr.on('data', (d) => serverTail.push(d));

    const deadline = Date.now() + 60_000;
    while (exited === null && Date.now() < deadline) {
      if (await httpOk(`http://127.0.0.1:${port}/version`)) return port;
      await delay(200);
    }
    if (exited === null) throw new E2EError(`the VS Code server did not answer /version on port ${port} within 60 s`);
    await stopGroup(server.pid, 500);
    session.server = undefined;
    if (attempt >= 3) throw new E2EError(`the VS Code server exited (${exited}) before answering /version`);
    log(`the VS Code server exited (${exited}) on port ${port}; retrying on another port`);
  }
}

/**
 * Makes the workspace copy a git repository with one commit, so that the extension's semantic
 * diff has a HEAD to compare with (test/e2e/semantic-diff.test.ts). Without git it stays a plain
 * folder (that test then fails, saying so; the others do not care).
 */
function gitCommitWorkspace(dir) {
  const env = { ...process.env, GIT_AUTHOR_NAME: 'e2e', GIT_AUTHOR_EMAIL: 'e2e@example.invalid', GIT_COMMITTER_NAME: 'e2e', GIT_COMMITTER_EMAIL: 'e2e@example.invalid', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
  for (const args of [['init', '-q'], ['add', '-A'], ['commit', '-q', '-m', 'e2e workspace']]) {
    const r = spawnSync('git', args, { cwd: dir, env, encoding: 'utf8' });
    if (r.status !== 0) {
      log(`git ${args[0]} in the e2e workspace failed (${r.error?.message ?? r.stderr.trim()}); the semantic diff test needs git`);
      return;
    }
  }
}

function prepareTmp() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-e2e-'));
  session.tmp = tmp;
  for (const dir of ['home', 'tmp', 'server-data', 'user-data/User', 'user-data/Machine', 'extensions']) {
    fs.mkdirSync(path.join(tmp, dir), { recursive: true });
  }
  // code-server keeps the browser's user settings on the server (User/); Machine/ holds the
  // remote settings. Write both so whichever the workbench reads has them.
  const settings = fs.readFileSync(USER_SETTINGS, 'utf8');
  JSON.parse(settings);
  fs.writeFileSync(path.join(tmp, 'user-data', 'User', 'settings.json'), settings);
  fs.writeFileSync(path.join(tmp, 'user-data', 'Machine', 'settings.json'), settings);
  const workspace = path.join(tmp, 'workspace');
  fs.cpSync(WORKSPACE_SOURCE, workspace, { recursive: true });
  gitCommitWorkspace(workspace);
  if (LOCALE) displayLanguage(path.join(tmp, 'user-data'), LOCALE);
  return { tmp, workspace };
}

/**
 * Makes `locale` a display language the VS Code server can serve without a download. The server
 * picks the workbench's language from the `vscode.nls.locale` cookie (else Accept-Language) and
 * looks it up in <user-data-dir>/languagepacks.json, as the language-pack extensions register
 * themselves; for a known language it generates nls.messages.js, which sets
 * globalThis._VSCODE_NLS_LANGUAGE, which becomes vscode.env.language in the extension host (and
 * InitializeParams.locale for our server). The Marketplace language pack cannot be downloaded
 * here, so the registered pack has no translations of its own: the workbench's own UI stays
 * English, while every extension sees the display language `locale` and uses its own bundles.
 */
function displayLanguage(userData, locale) {
  const dir = path.join(userData, 'languagepack');
  fs.mkdirSync(dir, { recursive: true });
  const translations = path.join(dir, 'main.i18n.json');
  fs.writeFileSync(translations, JSON.stringify({ version: '1.0.0', contents: {} }));
  const pack = { hash: `netpol-e2e-${locale}`, extensions: [{ extensionIdentifier: { id: `netpol-e2e.language-pack-${locale}` }, version: '1.0.0' }], translations: { vscode: translations }, label: locale };
  fs.writeFileSync(path.join(userData, 'languagepacks.json'), JSON.stringify({ [locale]: pack }));
}

/** Logs of the server and the browser console (which includes the workbench's log), shown when a run breaks down (or live with E2E_VERBOSE=1). */
const logs = { server: new Tail('server'), browser: new Tail('browser console') };

// Workbench log lines that are expected offline and say nothing about the tests.
const HARMLESS = [/open-vsx\.org/, /\[Service Worker\]/, /\bvsda\b/];

/**
 * Receives the workbench's log (codeAutomationLog), which carries the extension host's console.
 * Lines between the runner's start marker and its result line are the mocha report and go to
 * stdout; everything else is workbench noise (the browser console log, shown when a run breaks
 * down, has it too).
 */
function createReportReader() {
  const reader = { started: false, result: undefined, screenshots: [] };
  reader.onLog = (type, args) => {
    const text = Array.isArray(args) ? util.format(...args) : String(args ?? '');
    for (const line of text.split(/\r?\n/)) {
      if (line.startsWith(START_MARKER)) {
        reader.started = true;
        reader.onStart?.();
      } else if (line.startsWith(RESULT_MARKER)) {
        try {
          reader.result = JSON.parse(line.slice(RESULT_MARKER.length));
        } catch {
          process.stderr.write(`[e2e] unreadable result line: ${line}\n`);
        }
      } else if (line.startsWith(SCREENSHOT_MARKER)) {
        reader.screenshots.push(screenshotOnRequest(line.slice(SCREENSHOT_MARKER.length)));
      } else if (line.startsWith(UI_MARKER)) {
        reader.screenshots.push(uiOnRequest(line.slice(UI_MARKER.length)));
      } else if (reader.started && !reader.result && !HARMLESS.some((re) => re.test(line))) {
        process.stdout.write(`${line}\n`);
      }
    }
  };
  return reader;
}

/**
 * A test (helpers.requestScreenshot) asked for a screenshot: `{"path":..,"ack":..}`. Take it,
 * then create the `ack` file the test polls for, so the workbench stays as it was meanwhile.
 */
async function screenshotOnRequest(json) {
  let request;
  try {
    request = JSON.parse(json);
    await session.page.screenshot({ path: request.path, timeout: 10_000 });
    log(`screenshot: ${request.path}`);
    if (request.path === SCREENSHOT) screenshotTaken = true;
  } catch (err) {
    log(`could not take the screenshot ${request?.path ?? json}: ${err.message}`);
  } finally {
    if (request?.ack) fs.writeFileSync(request.ack, '');
  }
}
let screenshotTaken = false;

// ---------------------------------------------------------------------------------------------
// The UI bridge: tests in the extension host ask the driver to act as a user would (keys, mouse,
// reading what is on screen, in the workbench and inside webviews). Each request is
// `{"action":..,"args":{..},"ack":file}`; the answer `{"ok":true,"value":..}` or
// `{"ok":false,"error":".."}` is written to `ack`, which the test polls for (helpers.ts ui()).

/** The frames to search: the workbench page, webviews (nested iframes), or every frame. */
function framesFor(where = 'any') {
  const page = session.page;
  const all = page.frames();
  if (where === 'workbench') return [page.mainFrame()];
  if (where === 'webview') return all.filter((f) => f !== page.mainFrame());
  return all;
}

/** Visible elements matching `selector` (and containing `text`, when given) in the frames, as [frame, handle]. */
async function findElements(selector, where, text) {
  const out = [];
  for (const frame of framesFor(where)) {
    let handles;
    try {
      handles = await frame.$$(selector);
    } catch {
      continue; // a frame that went away, or a selector its document cannot parse
    }
    for (const h of handles) {
      const ok = await h.evaluate((el, t) => {
        const r = el.getBoundingClientRect();
        const style = getComputedStyle(el);
        const visible = r.width > 0 && r.height > 0 && style.visibility !== 'hidden' && style.display !== 'none';
        return visible && (!t || (el.innerText ?? el.textContent ?? '').includes(t));
      }, text ?? '').catch(() => false);
      if (ok) out.push([frame, h]);
    }
  }
  return out;
}

const UI_ACTIONS = {
  /** Presses keys one after the other, e.g. ["Control+Period"] or ["Escape"]. */
  async press({ keys }) {
    for (const k of keys) await session.page.keyboard.press(k);
    return true;
  },
  /** Types text into whatever has the focus, key by key (as a user types). */
  async type({ text, delay = 20 }) {
    await session.page.keyboard.type(text, { delay });
    return true;
  },
  /** innerText of the visible elements matching `selector` (in `frame`: workbench, webview, any). */
  async texts({ selector, frame, text }) {
    const found = await findElements(selector, frame, text);
    return Promise.all(found.map(([, h]) => h.evaluate((el) => el.innerText ?? el.textContent ?? '')));
  },
  /** Clicks the first visible element matching `selector` (containing `text`). */
  async click({ selector, frame, text, button = 'left' }) {
    const [first] = await findElements(selector, frame, text);
    if (!first) throw new Error(`nothing visible matches ${selector}${text ? ` with text ${JSON.stringify(text)}` : ''}`);
    await first[1].click({ button, timeout: 5_000 });
    return true;
  },
  /** Moves the mouse over the first visible element matching `selector` (containing `text`). */
  async hoverElement({ selector, frame, text }) {
    const [first] = await findElements(selector, frame, text);
    if (!first) throw new Error(`nothing visible matches ${selector}`);
    await first[1].hover({ timeout: 5_000 });
    return true;
  },
  /**
   * Moves the mouse over the first occurrence of `text` in the visible lines of the active
   * editor (as a user points at a word), `offset` characters into it.
   */
  async hoverEditorText({ text, offset = 1, whole = false, nth = 0 }) {
    // whole: only a token whose text is exactly `text` (a key, not a longer name); nth: the nth match.
    const point = await session.page.mainFrame().evaluate(([needle, off, exact, skip]) => {
      let seen = 0;
      const editors = [...document.querySelectorAll('.editor-group-container.active .monaco-editor .view-lines, .monaco-editor .view-lines')];
      for (const lines of editors) {
        const walker = document.createTreeWalker(lines, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const data = n.data.replace(/\u00a0/g, ' ');
          const i = exact ? (data.trim() === needle ? data.indexOf(needle) : -1) : data.indexOf(needle);
          if (i < 0) continue;
          if (seen++ < skip) continue;
          const range = document.createRange();
          range.setStart(n, i + off);
          range.setEnd(n, i + off + 1);
          const r = range.getBoundingClientRect();
          if (r.width > 0) return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
        }
      }
      return undefined;
    }, [text, offset, whole, nth]);
    if (!point) throw new Error(`the text ${JSON.stringify(text)} is not on screen in an editor`);
    await session.page.mouse.move(point.x - 40, point.y + 60);
    await session.page.mouse.move(point.x, point.y, { steps: 4 });
    return point;
  },
  /** Moves the mouse to page coordinates. */
  async mouse({ x, y }) {
    await session.page.mouse.move(x, y);
    return true;
  },
  /** Evaluates `expression` (a function body returning a JSON value) in each frame until one returns non-null. */
  async evaluate({ expression, frame }) {
    for (const f of framesFor(frame)) {
      const v = await f.evaluate(`(() => { ${expression} })()`).catch(() => undefined);
      if (v !== undefined && v !== null) return v;
    }
    return null;
  },
  /** Saves a screenshot of the page (or of the first element matching `selector`). */
  async screenshot({ path: file, selector, frame }) {
    if (selector) {
      const [first] = await findElements(selector, frame);
      if (!first) throw new Error(`nothing visible matches ${selector}`);
      await first[1].screenshot({ path: file, timeout: 10_000 });
    } else await session.page.screenshot({ path: file, timeout: 10_000 });
    log(`screenshot: ${file}`);
    return file;
  },
};

async function uiOnRequest(json) {
  let request;
  let answer;
  try {
    request = JSON.parse(json);
    const action = UI_ACTIONS[request.action];
    if (!action) throw new Error(`unknown UI action ${request.action}`);
    answer = { ok: true, value: (await action(request.args ?? {})) ?? null };
  } catch (err) {
    answer = { ok: false, error: err?.message ?? String(err) };
  } finally {
    if (request?.ack) fs.writeFileSync(`${request.ack}.tmp`, JSON.stringify(answer ?? { ok: false, error: 'unreadable request' }));
    if (request?.ack) fs.renameSync(`${request.ack}.tmp`, request.ack);
  }
}

async function runOnce(reader) {
  const { tmp, workspace } = prepareTmp();
  // A fresh HOME and TMPDIR: the server, Chromium and VS Code write config, caches and sockets there.
  const env = { ...process.env, HOME: path.join(tmp, 'home'), TMPDIR: path.join(tmp, 'tmp') };
  // The extension host inherits the server's environment: tell the runner it may ask for screenshots.
  env.NETPOL_E2E_DRIVER = 'offline';
  // Screenshots the tests take of what a user sees (helpers.artifactPath): kept after the run.
  env.NETPOL_E2E_ARTIFACTS = ARTIFACTS_DIR;
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  if (SCREENSHOT) env.NETPOL_E2E_SCREENSHOT = SCREENSHOT;
  // Which suite the runner (out/test/e2e/index.js) loads: test/e2e/<locale>/, or the others.
  if (LOCALE) env.NETPOL_E2E_LOCALE = LOCALE;
  else delete env.NETPOL_E2E_LOCALE;
  for (const key of ['XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'XDG_DATA_HOME', 'XDG_RUNTIME_DIR', 'VSCODE_CLI', 'ELECTRON_RUN_AS_NODE', 'VSCODE_IPC_HOOK_CLI']) delete env[key];

  const startedAt = Date.now();
  const port = await startServer(tmp, env, logs.server);
  log(`VS Code server ready on 127.0.0.1:${port} after ${seconds(Date.now() - startedAt)}`);

  const require = createRequire(path.join(TOOLS_DIR, 'package.json'));
  const { chromium } = require('playwright-core');
  // Playwright makes Chromium's fresh profile under os.tmpdir(): keep it inside our temporary folder.
  process.env.TMPDIR = env.TMPDIR;
  // launchServer (not launch) so that the Chromium process id is known and can be killed for sure.
  const browserServer = await chromium.launchServer({
    executablePath: CHROMIUM,
    headless: true,
    host: '127.0.0.1',
    env,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    timeout: 60_000,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  session.browserServer = browserServer;
  session.browserPid = browserServer.process().pid;
  const browser = await chromium.connect(browserServer.wsEndpoint(), { timeout: 30_000 });
  session.browser = browser;
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...(LOCALE ? { locale: LOCALE } : {}) });
  const page = await context.newPage();
  session.page = page;
  log(`Chromium ready after ${seconds(Date.now() - startedAt)}`);
  reader.onStart = () => log(`tests started after ${seconds(Date.now() - startedAt)}`);

  let resolveExit;
  let rejectExit;
  const exited = new Promise((resolve, reject) => { resolveExit = resolve; rejectExit = reject; });
  await page.exposeFunction('codeAutomationLog', reader.onLog);
  await page.exposeFunction('codeAutomationExit', (code) => resolveExit(Number(code)));
  page.on('console', (msg) => logs.browser.push(`${msg.type()}: ${msg.text()}`));
  page.on('pageerror', (err) => logs.browser.push(`pageerror: ${err.message}`));
  page.on('crash', () => rejectExit(new E2EError('the workbench page crashed')));
  browser.on('disconnected', () => rejectExit(new E2EError('the browser went away before the tests finished')));
  session.server.on('exit', (code, signal) => rejectExit(new E2EError(`the VS Code server exited (${code ?? signal}) before the tests finished`)));

  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p.split('/').map(encodeURIComponent).join('/')}`;
  const payload = [
    ['extensionDevelopmentPath', remote(ROOT)],
    ['extensionTestsPath', remote(TESTS_INDEX)],
    ['skipWelcome', 'true'],
  ];
  if (LOCALE) await context.addCookies([{ name: 'vscode.nls.locale', value: LOCALE, url: `http://127.0.0.1:${port}/` }]);
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  log(`workbench page loaded after ${seconds(Date.now() - startedAt)}`);

  const exitCode = await exited;
  await Promise.all(reader.screenshots);
  // The result line is logged just before the extension host exits; give it a moment to arrive.
  const resultDeadline = Date.now() + 3000;
  while (!reader.result && Date.now() < resultDeadline) await delay(50);
  log(`the extension host exited with code ${exitCode} after ${seconds(Date.now() - startedAt)}`);
  return exitCode;
}

/** The fallback when the runner did not ask for the final screenshot itself (it broke, or timed out). */
async function takeScreenshot() {
  if (!SCREENSHOT || !session.page || screenshotTaken) return;
  try {
    await session.page.screenshot({ path: SCREENSHOT, timeout: 10_000 });
    log(`screenshot: ${SCREENSHOT}`);
  } catch (err) {
    log(`could not take the screenshot: ${err.message}`);
  }
}

function withTimeout(promise, ms, message) {
  let timer;
  const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new E2EError(message)), ms); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Returns { passed, failed, pending }; throws E2EError when no run could happen at all. */
async function main() {
  failOnProblems(checkRunPrerequisites(), 'cannot run the e2e tests');
  const installed = await ensureTools();
  if (!installed) log(`using the cached tools in ${shown(TOOLS_DIR)}`);

  const reader = createReportReader();
  let exitCode;
  try {
    const run = runOnce(reader);
    run.catch(() => undefined); // a late failure after the timeout must not become an unhandled rejection
    exitCode = await withTimeout(run, RUN_TIMEOUT_MS, `the e2e run did not finish within ${seconds(RUN_TIMEOUT_MS)} (E2E_TIMEOUT_MS)`);
  } catch (err) {
    log(err instanceof E2EError ? `error: ${err.message}` : `error: ${err?.stack ?? err}`);
    exitCode = undefined;
  }

  const result = reader.result;
  const passed = result?.passed ?? 0;
  let failed = result?.failed ?? 0;
  if (!result) log('the test runner reported no result');
  else if (exitCode !== undefined && exitCode !== 0 && failed === 0) log(`the extension host exited with code ${exitCode} although no test failed`);
  // A run that did not finish cleanly counts as (at least) one failure, so that
  // "failed > 0" and "exit code != 0" always go together.
  if ((exitCode !== 0 || !result) && failed === 0) failed = 1;
  // Failing tests explain themselves in the report; a run that broke down needs the logs.
  if (!interrupted && (!result || (exitCode !== 0 && result.failed === 0))) for (const tail of Object.values(logs)) tail.dump();
  return { passed, failed, pending: result?.pending ?? 0 };
}

let interrupted = false;
let interruptCode = 130;
let finished = false;
const overall = Date.now();

/** Prints the summary line CI reads and exits; only the first call counts. */
function finish(summary, code) {
  if (finished) return;
  finished = true;
  if (summary.pending) console.log(`${summary.pending} pending`);
  console.log(`${summary.passed} passed, ${summary.failed} failed`);
  log(`total ${seconds(Date.now() - overall)}`);
  process.exit(code);
}

const onSignal = (signal) => {
  interrupted = true;
  interruptCode = 128 + (os.constants.signals[signal] ?? 2);
  log(`received ${signal}; stopping`);
  cleanup().finally(() => finish({ passed: 0, failed: 1 }, interruptCode));
};
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);
process.once('SIGHUP', onSignal);

let summary = { passed: 0, failed: 1, pending: 0 };
try {
  summary = await main();
} catch (err) {
  log(err instanceof E2EError ? `error: ${err.message}` : `error: ${err?.stack ?? err}`);
} finally {
  if (!interrupted) await takeScreenshot();
  await cleanup();
}
if (interrupted) finish({ passed: 0, failed: 1 }, interruptCode);
else finish(summary, summary.failed > 0 ? 1 : 0);
