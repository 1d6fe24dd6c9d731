/**
 * `netpol-lens test --format junit` read by a real XML parser: libxml2's xmllint (Debian's
 * libxml2-utils, installed by .ci/run). The report must be well-formed, valid against the schema
 * of what we emit (test/fixtures/junit/netpol-lens-junit.xsd), and carry crafted names (`<`, `&`,
 * `"`, `]]>`, control characters) through unchanged, but for the characters XML 1.0 cannot carry
 * at all, which show as `\u0001`. Without xmllint the tests skip locally; under CI they fail.
 */
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { escapeRegExp, repoRoot } from '../harness/files';

const root = repoRoot();
const cli = path.join(root, 'dist', 'cli.js');
const guide = path.join(root, 'test', 'fixtures', 'workspaces', 'assertions');
const xsd = path.join(root, 'test', 'fixtures', 'junit', 'netpol-lens-junit.xsd');

/** Whether xmllint runs here; under CI (`CI` set) its absence is a failure, not a skip. */
function haveXmllint(t: TestContext): boolean {
  const r = spawnSync('xmllint', ['--version'], { encoding: 'utf8' });
  if (!r.error && r.status === 0) return true;
  if (process.env.CI) assert.fail(`xmllint is missing under CI (.ci/run installs libxml2-utils): ${r.error?.message ?? r.stderr}`);
  t.skip('xmllint is not installed (apt-get install libxml2-utils)');
  return false;
}

function junit(dir: string): { code: number | null; xml: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, 'test', dir, '--format', 'junit'], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  return { code: r.status, xml: r.stdout, stderr: r.stderr };
}

/** Runs xmllint on `xml` (written to a temp file) with `args`. */
function xmllint(xml: string, args: string[]): { code: number | null; stdout: string; stderr: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-junit-'));
  try {
    const file = path.join(dir, 'report.xml');
    fs.writeFileSync(file, xml);
    const r = spawnSync('xmllint', [...args, file], { encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The string value of an XPath expression over `xml`, as libxml2 reads the document. */
function xpath(xml: string, expr: string): string {
  const r = xmllint(xml, ['--xpath', `string(${expr})`]);
  assert.equal(r.code, 0, `xpath ${expr}: ${r.stderr}`);
  return r.stdout.replace(/\n$/, ''); // xmllint ends what it prints with a newline
}

test('the JUnit report of the guide\'s assertions is well-formed XML and valid against the schema of what we emit', (t) => {
  if (!haveXmllint(t)) return;
  const r = junit(guide);
  assert.equal(r.code, 1, r.stderr);
  const wellFormed = xmllint(r.xml, ['--noout']);
  assert.equal(wellFormed.code, 0, wellFormed.stderr);
  const valid = xmllint(r.xml, ['--noout', '--schema', xsd]);
  assert.equal(valid.code, 0, valid.stderr);
  assert.equal(xpath(r.xml, 'count(/testsuites/testsuite/testcase)'), '10');
  assert.equal(xpath(r.xml, '/testsuites/@failures'), '1');
  assert.equal(xpath(r.xml, '//testcase[failure]/@line'), '8');
  assert.equal(xpath(r.xml, '//testcase[failure]/failure/@type'), 'AssertionFailed');
  // The schema has teeth: a report without the root's counts, or with an unknown failure type, is refused.
  assert.notEqual(xmllint(r.xml.replace(/ tests="10"/, ''), ['--noout', '--schema', xsd]).code, 0, 'missing tests= is invalid');
  assert.notEqual(xmllint(r.xml.replace('type="AssertionFailed"', 'type="Oops"'), ['--noout', '--schema', xsd]).code, 0, 'unknown type is invalid');
  assert.notEqual(xmllint(r.xml.replace('<testcase ', '<testcase line="0" '), ['--noout', '--schema', xsd]).code, 0, 'line 0 is invalid');
});

test('crafted assertions and file names (<, &, ", ]]>, tab and control characters) survive the JUnit report: well-formed, valid, read back as written', (t) => {
  if (!haveXmllint(t)) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-junit-evil-'));
  try {
    for (const f of fs.readdirSync(guide)) fs.copyFileSync(path.join(guide, f), path.join(dir, f));
    const failing = 'default/frontend-pod -> default/database:5432 blocked';
    const failingNote = 'a <b> & "c" ]]> \u0001\u001b\u007f\ttab end';
    const invalid = 'default/x<&"]]>\u0002 -> default/backend:80 allowed';
    const invalidNote = "bad <&'\"]]>\u001b";
    const passing = 'default/frontend-pod -> default/backend:8080 allowed';
    const passingNote = 'ok ]]>\u0008<![CDATA[ x ]]>';
    const evilName = 'evil<&"]]>\u001b.yaml';
    fs.writeFileSync(path.join(dir, evilName), [`# netpol-lens expect: ${failing}  # ${failingNote}`, `# netpol-lens expect: ${invalid}  # ${invalidNote}`, `# netpol-lens expect: ${passing}  # ${passingNote}`, ''].join('\n'));
    const r = junit(dir);
    assert.equal(r.code, 2, `an unresolvable assertion: exit 2; ${r.stderr}`);
    const wellFormed = xmllint(r.xml, ['--noout']);
    assert.equal(wellFormed.code, 0, `${wellFormed.stderr}\n${r.xml}`);
    const valid = xmllint(r.xml, ['--noout', '--schema', xsd]);
    assert.equal(valid.code, 0, valid.stderr);

    // What XML 1.0 cannot carry at all (C0 controls but tab, LF, CR) is shown as \uXXXX; everything else comes back as written.
    const shown = (s: string) => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    const file = path.join(dir, evilName);
    const suite = `/testsuites/testsuite[@name=${xpathLiteral(shown(file))}]`;
    assert.equal(xpath(r.xml, `count(${suite}/testcase)`), '3', 'the crafted file is one suite, found by its name as written');
    assert.equal(xpath(r.xml, `${suite}/testcase[1]/@name`), shown(`${failing} (${failingNote})`));
    assert.equal(xpath(r.xml, `${suite}/testcase[1]/@classname`), shown(file));
    assert.equal(xpath(r.xml, `${suite}/testcase[1]/failure/@message`), 'expected blocked, but it is allowed');
    assert.equal(xpath(r.xml, `${suite}/testcase[2]/@name`), shown(`${invalid} (${invalidNote})`));
    assert.match(xpath(r.xml, `${suite}/testcase[2]/error/@message`), new RegExp(`^"${escapeRegExp(shown('x<&\\"]]>\u0002'))}" is not a Pod or workload name`));
    assert.equal(xpath(r.xml, `${suite}/testcase[2]/error`), xpath(r.xml, `${suite}/testcase[2]/error/@message`));
    assert.equal(xpath(r.xml, `${suite}/testcase[3]/@name`), shown(`${passing} (${passingNote})`));
    assert.equal(xpath(r.xml, `count(${suite}/testcase[3]/*)`), '0', 'a passing assertion has no failure');
    assert.equal(xpath(r.xml, '/testsuites/@errors'), '1');
    assert.equal(xpath(r.xml, '/testsuites/@tests'), '13');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** An XPath 1.0 string literal for any text (concat() around the quote that is inside). */
function xpathLiteral(s: string): string {
  if (!s.includes('"')) return `"${s}"`;
  if (!s.includes("'")) return `'${s}'`;
  return `concat(${s.split('"').map((p) => `"${p}"`).join(`, '"', `)})`;
}
