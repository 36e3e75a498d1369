// How the report's client is bundled: one minified script for the browser, with no import
// left (d3-scale, d3-zoom, flatbush and fflate go inside). Used by the build
// (scripts/build-report-client.ts) and by reports/client-bundle.ts when run from sources.
import type { BuildOptions } from 'esbuild';

export const CLIENT_ENTRY = './client/main.ts';

export const CLIENT_BUILD_OPTIONS: BuildOptions = {
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: ['chrome100', 'firefox100', 'safari15'],
  minify: true,
  legalComments: 'none',
  charset: 'utf8',
  logLevel: 'silent',
};
