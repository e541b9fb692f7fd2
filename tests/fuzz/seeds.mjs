// tests/fuzz/seeds.mjs OUT_DIR: writes each fuzz target's generated seed corpus into OUT_DIR/<target>/, from the
// project's tests (run by tests/fuzz/run.sh; nothing is written into the source tree):
//   core           every string body of tests/badinput/cases.json with its headers, once per protocol revision (and
//                  once without the header), as fuzz_core.c's request text;
//   apigw_event    the example events of tests/lambda/events/ and tests/authorizer/events/;
//   json           the bodies of tests/badinput/cases.json, the example events, the tool schemas and test cases;
//   schema         every tool schema (server/tools/*/*.json) with an empty and a small instance, and the draft2020-12
//                  cases of JSON-Schema-Test-Suite (schema, newline, instance) when the reference suites are there;
//   request_state  the bodies of tests/badinput/cases.json (as payloads, arguments and identities).
// The hand-written seeds in tests/fuzz/seeds/<target>/ are copied next to these by run.sh.
import { readFileSync, readdirSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join, dirname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = process.argv[2];
if (!out) {
  console.error('usage: node tests/fuzz/seeds.mjs OUT_DIR');
  process.exit(2);
}
const counts = {};
function seed(target, name, content) {
  const dir = join(out, target);
  mkdirSync(dir, { recursive: true });
  counts[target] = (counts[target] ?? 0) + 1;
  writeFileSync(join(dir, `${String(counts[target]).padStart(4, '0')}-${name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60)}`), content);
}
const jsonFiles = (dir) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => join(dir, f)) : []);

const cases = JSON.parse(readFileSync(join(root, 'tests/badinput/cases.json'), 'utf8'));
const revisions = ['2025-03-26', '2025-06-18', '2025-11-25', '2026-07-28', null];
for (const c of cases.cases) {
  if (typeof c.body !== 'string') continue;
  for (const revision of revisions) {
    const headers = { ...cases.defaultHeaders, Host: 'localhost', 'MCP-Protocol-Version': revision, ...(c.headers ?? {}) };
    const lines = [`${c.method ?? 'POST'} ${c.path ?? '/mcp'}`];
    for (const [name, value] of Object.entries(headers))
      if (value !== null) lines.push(`${name}: ${String(value).replace('{port}', '8080')}`);
    seed('core', `${c.name}-${revision ?? 'none'}`, `${lines.join('\n')}\n\n${c.body}`);
  }
  seed('json', c.name, c.body);
  seed('request_state', c.name, c.body);
}

const events = [...jsonFiles(join(root, 'tests/lambda/events')), ...jsonFiles(join(root, 'tests/authorizer/events'))];
for (const f of events) {
  seed('apigw_event', basename(f), readFileSync(f));
  seed('json', basename(f), readFileSync(f));
}

const toolsDir = join(root, 'server/tools');
const schemas = readdirSync(toolsDir).flatMap((set) => jsonFiles(join(toolsDir, set)));
for (const f of [...schemas, ...jsonFiles(join(root, 'tests/unit/cases'))]) seed('json', basename(f), readFileSync(f));
for (const f of schemas) {
  const schema = JSON.stringify(JSON.parse(readFileSync(f, 'utf8')));
  seed('schema', `${basename(f)}-empty`, `${schema}\n{}`);
  seed('schema', `${basename(f)}-small`, `${schema}\n{"city":"Paris","n":1,"list":[1,"a",null]}`);
}

const suites = [process.env.MCP_TEST_SUITES_DIR, join(root, '../shared/reference/test-suites'), join(root, '../../shared/reference/test-suites')]
  .filter(Boolean)
  .map((d) => join(d, 'json-schema-test-suite/tests/draft2020-12'))
  .find((d) => existsSync(d));
if (suites) {
  for (const f of jsonFiles(suites))
    for (const group of JSON.parse(readFileSync(f, 'utf8')))
      for (const t of group.tests)
        seed('schema', `${basename(f, '.json')}-${group.description}`, `${JSON.stringify(group.schema)}\n${JSON.stringify(t.data)}`);
}
console.log(Object.entries(counts).map(([t, n]) => `${t} ${n}`).join(', '));
