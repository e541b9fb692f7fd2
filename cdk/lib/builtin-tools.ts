// The server's built-in tools, prompts and resources, read from its sources (server/tools/<set>/<file>.c:
// MCP_TOOL(ident, ...) and MCP_TOOL_TYPED(ident, ...) name the tool ident, MCP_PROMPT(ident, ...) the prompt ident,
// MCP_RESOURCE(ident, ... .uri = "..." or .uri_template = "..." ...) a resource's URI or template), so that a declared
// registration shadowing one is refused at synth time, as the admin API refuses it (in any tool set) and the server
// would refuse the record when reading it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StageConfig, declaredPrompts, declaredResources, declaredTools } from './config';

export const SERVER_TOOLS_DIR = path.resolve(__dirname, '..', '..', 'server', 'tools');

function sources(dir: string): string[] {
    return fs
        .readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile() && entry.name.endsWith('.c'))
        .map((entry) => fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8'));
}

export function builtinToolNames(dir: string = SERVER_TOOLS_DIR): Set<string> {
    const names = new Set<string>();
    for (const source of sources(dir)) {
        for (const m of source.matchAll(/^MCP_TOOL(?:_TYPED)?\(\s*(\w+)\s*,/gm)) names.add(m[1]);
    }
    return names;
}

export function builtinPromptNames(dir: string = SERVER_TOOLS_DIR): Set<string> {
    const names = new Set<string>();
    for (const source of sources(dir)) {
        for (const m of source.matchAll(/^MCP_PROMPT\(\s*(\w+)\s*,/gm)) names.add(m[1]);
    }
    return names;
}

/** A built-in resource: its fixed uri, or its uriTemplate. */
export interface BuiltinResource {
    readonly uri?: string;
    readonly uriTemplate?: string;
}

export function builtinResources(dir: string = SERVER_TOOLS_DIR): BuiltinResource[] {
    const found: BuiltinResource[] = [];
    for (const source of sources(dir)) {
        for (const m of source.matchAll(/^MCP_RESOURCE\(\s*\w+\s*,([\s\S]*?)\);/gm)) {
            const uri = /\.uri\s*=\s*"([^"]*)"/.exec(m[1]);
            const tmpl = /\.uri_template\s*=\s*"([^"]*)"/.exec(m[1]);
            if (uri) found.push({ uri: uri[1] });
            else if (tmpl) found.push({ uriTemplate: tmpl[1] });
            else throw new Error(`a built-in resource without .uri or .uri_template: ${m[0].slice(0, 80)}`);
        }
    }
    return found;
}

/**
 * Whether a URI matches a template as the server matches it (server/core/methods/resources.c
 * resources_template_match): each {variable} takes every character up to the next '/', '?' or '#' (at least one),
 * without giving any back, and the rest must be the template's text exactly.
 */
export function templateMatches(template: string, uri: string): boolean {
    let u = 0;
    for (let t = 0; t < template.length;) {
        if (template[t] !== '{') {
            if (uri[u] !== template[t]) return false;
            (t++, u++);
            continue;
        }
        const close = template.indexOf('}', t);
        if (close < 0) return false;
        const n = /^[^/?#]*/.exec(uri.slice(u))![0].length;
        if (n === 0) return false;
        t = close + 1;
        u += n;
    }
    return u === uri.length;
}

/** remote_tools_shadows_resource(): a registered uri or uriTemplate that would answer for a built-in's URIs. */
export function shadowsResource(declared: BuiltinResource, builtin: BuiltinResource): boolean {
    if (declared.uri !== undefined) {
        return builtin.uri !== undefined
            ? builtin.uri === declared.uri
            : templateMatches(builtin.uriTemplate!, declared.uri);
    }
    return builtin.uri !== undefined
        ? templateMatches(declared.uriTemplate!, builtin.uri)
        : builtin.uriTemplate === declared.uriTemplate;
}

/** Declared registrations that would shadow a built-in one (every tool set: a stage may enable any later). */
export function builtinNameProblems(
    config: StageConfig,
    builtin: Set<string> = builtinToolNames(),
    prompts: Set<string> = builtinPromptNames(),
    resources: BuiltinResource[] = builtinResources(),
): string[] {
    if (!config.registeredTools) return [];
    const where = `stage ${config.stage}: registeredTools`;
    return [
        ...declaredTools(config.registeredTools)
            .filter((tool) => builtin.has(tool.name))
            .map(
                (tool) =>
                    `${where} (${tool.name}): the name is a built-in tool's ` +
                    '(registered tools never shadow built-in ones)',
            ),
        ...declaredPrompts(config.registeredTools)
            .filter((prompt) => prompts.has(prompt.name))
            .map(
                (prompt) =>
                    `${where}.declaredPrompts (${prompt.name}): the name is a built-in prompt's ` +
                    '(registered prompts never shadow built-in ones)',
            ),
        ...declaredResources(config.registeredTools)
            .filter((r) => resources.some((b) => shadowsResource(r, b)))
            .map(
                (r) =>
                    `${where}.declaredResources (${r.name}): ${r.uri !== undefined ? `uri "${r.uri}"` : `uriTemplate "${r.uriTemplate}"`} ` +
                    "names a built-in resource's URI (registered resources never shadow built-in ones)",
            ),
    ];
}
