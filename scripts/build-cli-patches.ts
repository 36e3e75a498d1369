// Source patches applied while bundling the CLI (scripts/build-cli.ts), to dependencies
// whose load-time work delays `faultline --help`: string-width (yargs' own copy, 8.x, and
// the 7.x copies of cliui and wrap-ansi) builds an Intl.Segmenter (ICU data: ~8 ms) and
// a `\p{RGI_Emoji}` regular expression (~13 ms) when it is imported. The patches build
// them on first use instead, and give 7.x the printable-ASCII fast path of 8.x (width is
// the length: no control, zero-width, combining, ignorable or emoji character lies in
// U+0020..U+007E, and every one of them is East Asian narrow). Widths are unchanged
// (test/cli/build-cli.test.ts compares patched and original on a corpus). A patch that no
// longer matches its source throws, so an upgrade of these packages fails the build
// instead of silently losing the patch.
import type { Plugin } from 'esbuild';
import { readFileSync } from 'node:fs';

interface Replacement {
  readonly from: string;
  readonly to: string;
}

const lazySegmenter: Replacement = {
  from: 'const segmenter = new Intl.Segmenter();',
  to: 'let segmenterOnce;\nconst segmenter = { segment: (text) => (segmenterOnce ??= new Intl.Segmenter()).segment(text) };',
};

/** string-width 8.x: the RGI emoji expression is only ever `.test()`ed. */
const stringWidth8: readonly Replacement[] = [
  lazySegmenter,
  {
    from: 'const rgiEmojiRegex = /^\\p{RGI_Emoji}$/v;',
    to: "let rgiEmojiRegexOnce;\nconst rgiEmojiRegex = { test: (text) => (rgiEmojiRegexOnce ??= new RegExp('^\\\\p{RGI_Emoji}$', 'v')).test(text) };",
  },
];

/** string-width 7.x: the fast path goes after ANSI codes are stripped, as in 8.x. */
const stringWidth7: readonly Replacement[] = [
  lazySegmenter,
  {
    from: '\tif (string.length === 0) {\n\t\treturn 0;\n\t}\n\n\tlet width = 0;',
    to: '\tif (string.length === 0) {\n\t\treturn 0;\n\t}\n\n\tif (/^[\\u0020-\\u007E]*$/.test(string)) {\n\t\treturn string.length;\n\t}\n\n\tlet width = 0;',
  },
];

function apply(path: string, source: string, replacements: readonly Replacement[]): string {
  let text = source;
  for (const { from, to } of replacements) {
    const at = text.indexOf(from);
    if (at === -1 || text.indexOf(from, at + 1) !== -1) throw new Error(`build-cli: the startup patch for ${path} no longer applies (looked for ${JSON.stringify(from)} once)`);
    text = text.slice(0, at) + to + text.slice(at + from.length);
  }
  return text;
}

/**
 * yargs finds its locales from its shim module's own path (`<file>/../../../locales`); in
 * the bundle that path is a chunk of dist/bundle/, and build-cli.ts copies the locales to
 * dist/bundle/locales.
 */
const yargsLocales: readonly Replacement[] = [{ from: "resolve(__dirname, '../../../locales')", to: "resolve(__dirname, '../locales')" }];

/** The patched source of a dependency file, or undefined when the file needs no patch. */
export function patchModuleSource(path: string, source: string): string | undefined {
  if (/[\\/]node_modules[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs$/.test(path)) return apply(path, source, yargsLocales);
  if (!/[\\/]node_modules[\\/]string-width[\\/]index\.js$/.test(path)) return undefined;
  if (source.includes('rgiEmojiRegex')) return apply(path, source, stringWidth8);
  if (source.includes('emojiRegex()')) return apply(path, source, stringWidth7);
  throw new Error(`build-cli: ${path} is a string-width the startup patches do not know (neither 7.x nor 8.x)`);
}

/** The esbuild plugin applying patchModuleSource to the files it patches. */
export const startupPatches: Plugin = {
  name: 'faultline-startup-patches',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/](string-width[\\/]index\.js|yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs)$/ }, (args) => {
      const patched = patchModuleSource(args.path, readFileSync(args.path, 'utf8'));
      return patched === undefined ? undefined : { contents: patched, loader: 'js' };
    });
  },
};
