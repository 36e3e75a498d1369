// Writes the package-lock.json of an example project that installs faultline from its
// packed tarball, with every other package pinned as faultline's own lock pins it. With it,
// `npm ci --offline` installs the example from npm's local cache (it holds the tarballs
// of everything in faultline's lock), with no registry metadata and no network.
//
//   node scripts/example-lockfile.mjs <faultline package-lock.json> <tarball> <example dir>
//
// The lock holds exactly the example's dependency closure: the tarball's dependencies and
// the example's devDependencies (vitest, fast-check, typescript...), each at the version
// and integrity of faultline's lock.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

const [lockPath, tarball, exampleDir] = process.argv.slice(2);
if (!lockPath || !tarball || !exampleDir) {
  console.error('usage: node scripts/example-lockfile.mjs <package-lock.json> <tarball> <example dir>');
  process.exit(2);
}
const source = JSON.parse(readFileSync(lockPath, 'utf8'));
const faultline = source.packages[''];
const example = JSON.parse(readFileSync(join(exampleDir, 'package.json'), 'utf8'));
const tarballSpec = `file:${relative(exampleDir, tarball)}`;
const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;

/** The lock entry a `name` required from the package at `from` resolves to (Node's lookup, upwards). */
function resolveEntry(from, name) {
  let dir = from;
  for (;;) {
    const path = `${dir === '' ? '' : `${dir}/`}node_modules/${name}`;
    if (source.packages[path]) return path;
    if (dir === '') return undefined;
    const cut = dir.lastIndexOf('/node_modules/');
    dir = cut < 0 ? '' : dir.slice(0, cut);
  }
}

const packages = {};
const devOnly = new Set();
const prodOnly = new Set();
function visit(path, dev) {
  if (packages[path] && (dev ? devOnly.has(path) || !prodOnly.has(path) : prodOnly.has(path))) return;
  const entry = source.packages[path];
  packages[path] = { ...entry };
  (dev ? devOnly : prodOnly).add(path);
  const deps = { ...entry.dependencies, ...entry.optionalDependencies };
  for (const [name] of Object.entries(entry.peerDependencies ?? {})) if (!entry.peerDependenciesMeta?.[name]?.optional) deps[name] = entry.peerDependencies[name];
  for (const name of Object.keys(deps)) {
    const target = resolveEntry(path, name);
    if (target) visit(target, dev);
  }
}
// faultline's runtime dependencies come with the tarball; the example's devDependencies
// besides faultline are resolved as faultline's lock has them.
for (const name of Object.keys(faultline.dependencies ?? {})) visit(`node_modules/${name}`, true);
for (const name of Object.keys(example.devDependencies ?? {})) {
  if (name === 'faultline') continue;
  if (!source.packages[`node_modules/${name}`]) throw new Error(`${name}: not in ${lockPath}, so not in npm's cache; the example may use only what faultline's lock pins`);
  visit(`node_modules/${name}`, true);
}
for (const entry of Object.values(packages)) {
  entry.dev = true;
  delete entry.peer;
}
packages['node_modules/faultline'] = {
  version: faultline.version,
  resolved: tarballSpec,
  integrity,
  dev: true,
  license: faultline.license,
  dependencies: faultline.dependencies,
  bin: { faultline: 'bin/faultline.js' },
  engines: faultline.engines,
};
const devDependencies = { ...example.devDependencies, faultline: tarballSpec };
example.devDependencies = devDependencies;
writeFileSync(join(exampleDir, 'package.json'), `${JSON.stringify(example, null, 2)}\n`);
const lock = {
  name: example.name,
  version: example.version,
  lockfileVersion: 3,
  requires: true,
  packages: {
    '': { name: example.name, version: example.version, devDependencies },
    ...Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  },
};
writeFileSync(join(exampleDir, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
console.log(`${basename(exampleDir)}/package-lock.json: faultline from ${tarballSpec} and ${Object.keys(packages).length - 1} packages pinned by ${lockPath}`);
