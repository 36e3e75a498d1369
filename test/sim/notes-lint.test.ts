// Lint keeps the eager note form out of protocols/: an object literal (or a closure) as a
// note's data is built on every call; a module-level builder and its arguments is not.
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: fileURLToPath(new URL('../../', import.meta.url)) });

async function noteMessages(filePath: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath });
  expect(result.messages.filter((m) => m.fatal)).toEqual([]);
  return result.messages.filter((m) => m.ruleId === 'no-restricted-syntax' && m.message.includes("note's data"));
}

const head = 'declare const ctx: { note(kind: string, data?: unknown, a?: unknown, b?: unknown): void };\ndeclare const i: number;\n';

describe('lint: ghost note data is built lazily in protocols/', () => {
  it.each([
    ["ctx.note('commit', { index: i });"],
    ["this.ctx.note('role', { role: 'leader', term: i });"],
    ["ctx.note('commit', () => ({ index: i }));"],
    ["ctx.note('commit', function () { return { index: i }; });"],
  ])('flags %s', async (line) => {
    const messages = await noteMessages('protocols/raft/bad.ts', `${head}export class X { ctx = ctx; f(): void { ${line} } }\n`);
    expect(messages).toHaveLength(1);
    expect(messages[0].severity).toBe(2);
  });

  it.each([["ctx.note('commit', commitNote, i, i);"], ["ctx.note('start');"]])('lets %s pass', async (line) => {
    const code = `${head}const commitNote = (index: number, term: number) => ({ index, term });\nexport function f(): void { ${line} }\n`;
    expect(await noteMessages('protocols/raft/ok.ts', code)).toEqual([]);
  });

  it('leaves other layers alone (a test or a user protocol may note eagerly)', async () => {
    expect(await noteMessages('test/protocols/ok.ts', `${head}export function f(): void { ctx.note('commit', { index: i }); }\n`)).toEqual([]);
  });
});
