// The registry's formats as the C sources have them, for the tests that check the app writes exactly those:
// admin/registry_admin.c (the item's attributes, each kind's record fields in order, the audit fields) and
// server/core/remote_tools.c (the kinds, and the fields of a prompt's argument).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './helpers';

/** The admin API's record and item format, read from admin/registry_admin.c (every kind's fields). */
export function adminFormat() {
    const source = fs.readFileSync(path.join(REPO_ROOT, 'admin', 'registry_admin.c'), 'utf8');
    const strings = (array: string) => {
        const m = source.match(new RegExp(`static const char \\*const ${array}\\[\\] = \\{([^}]*)\\}`));
        assert.ok(m, `${array} in registry_admin.c`);
        return [...m[1].matchAll(/"(\w+)"/g)].map((x) => x[1]);
    };
    // put_record()'s body up to its condition: the item's key, then its attributes
    const start = source.indexOf('\nput_record(');
    const put = source.slice(start, source.indexOf('write_condition(', start));
    assert.ok(start >= 0 && put.length > 0, 'put_record() in registry_admin.c');
    const item = [...put.matchAll(/dynamodb_(begin_item|write_s|write_n|write_sn)\(&w, (?:[^,]+, )?"(\w+)"/g)].map(
        (x) => [x[2], x[1] === 'write_n' ? 'N' : 'S'],
    );
    return {
        recordFields: strings('tool_fields'),
        resourceFields: strings('resource_fields'),
        promptFields: strings('prompt_fields'),
        auditFields: strings('audit_fields'),
        item,
    };
}

/** The kinds the server reads (remote_tools.c kind_names) and the fields of a prompt argument it reads (check_prompt). */
export function serverFormat() {
    const source = fs.readFileSync(path.join(REPO_ROOT, 'server', 'core', 'remote_tools.c'), 'utf8');
    const kinds = source.match(/static const char \*const kind_names\[\] = \{([^}]*)\}/);
    assert.ok(kinds, 'kind_names in remote_tools.c');
    const start = source.indexOf('\ncheck_prompt(');
    const end = source.indexOf('\n}\n', start);
    assert.ok(start >= 0 && end > start, 'check_prompt() in remote_tools.c');
    const argumentFields = [
        ...new Set([...source.slice(start, end).matchAll(/json_get\(a, "(\w+)"\)/g)].map((x) => x[1])),
    ];
    return { kinds: [...kinds[1].matchAll(/"(\w+)"/g)].map((x) => x[1]), argumentFields };
}
