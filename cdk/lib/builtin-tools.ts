// The names of the server's built-in tools, read from its sources (server/tools/<set>/<tool>.c: MCP_TOOL(ident, ...)
// and MCP_TOOL_TYPED(ident, ...) name the tool ident), so that a declared registration shadowing one is refused at
// synth time, as the admin API refuses it (in any tool set) and the server would refuse the record when reading it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StageConfig, declaredTools } from './config';

export const SERVER_TOOLS_DIR = path.resolve(__dirname, '..', '..', 'server', 'tools');

export function builtinToolNames(dir: string = SERVER_TOOLS_DIR): Set<string> {
    const names = new Set<string>();
    for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
        if (!entry.isFile() || !entry.name.endsWith('.c')) continue;
        const source = fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8');
        for (const m of source.matchAll(/^MCP_TOOL(?:_TYPED)?\(\s*(\w+)\s*,/gm)) names.add(m[1]);
    }
    return names;
}

/** Declared registrations whose name is a built-in tool's (every tool set: a stage may enable any later). */
export function builtinNameProblems(config: StageConfig, builtin: Set<string> = builtinToolNames()): string[] {
    if (!config.registeredTools) return [];
    return declaredTools(config.registeredTools)
        .filter((tool) => builtin.has(tool.name))
        .map(
            (tool) =>
                `stage ${config.stage}: registeredTools (${tool.name}): the name is a built-in tool's ` +
                '(registered tools never shadow built-in ones)',
        );
}
