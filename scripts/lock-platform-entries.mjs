// The npm registry mirror this project is developed against serves only the
// linux-x64 builds of packages that ship per-platform binaries (biome, rollup,
// esbuild). npm then writes a lockfile without the other platforms' optional
// entries, and `npm ci` refuses that lockfile ("Missing: ... from lock file").
// This script adds those entries back, each marked optional with its os/cpu
// (from the package name), so `npm ci` skips them on other platforms exactly
// as it would with a lockfile written against the full registry.
// Run after any `npm install` that changes the lockfile.
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages;
const OS = [
  'android',
  'darwin',
  'freebsd',
  'linux',
  'win32',
  'openbsd',
  'netbsd',
  'sunos',
  'aix',
  'openharmony',
];
const CPU = {
  x64: 'x64',
  arm64: 'arm64',
  arm: 'arm',
  ia32: 'ia32',
  loong64: 'loong64',
  ppc64: 'ppc64',
  riscv64: 'riscv64',
  s390x: 's390x',
  mips64el: 'mips64el',
};

function platformOf(name) {
  const base = name
    .split('/')
    .pop()
    .replace(/^(cli|rollup)-/, '');
  const parts = base.split('-');
  const os = parts.find((p) => OS.includes(p)) ?? (parts.includes('wasm32') ? undefined : undefined);
  const cpuPart = parts.find((p) => CPU[p] || p === 'arm' || p === 'ppc64' || p === 'x64');
  const entry = {};
  if (os) entry.os = [os];
  if (cpuPart) entry.cpu = [CPU[cpuPart] ?? cpuPart];
  if (parts.includes('musl')) entry.libc = ['musl'];
  if (parts.includes('gnu') || parts.includes('gnueabihf')) entry.libc = ['glibc'];
  return entry;
}

let added = 0;
for (const [path, meta] of Object.entries(packages)) {
  for (const [dep, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const nested = `${path ? `${path}/` : ''}node_modules/${dep}`;
    if (packages[nested] || packages[`node_modules/${dep}`]) continue;
    packages[`node_modules/${dep}`] = {
      version,
      ...(meta.dev ? { dev: true } : {}),
      optional: true,
      ...platformOf(dep),
    };
    added++;
  }
}
const sorted = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)),
);
lock.packages = sorted;
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: added ${added} platform-specific optional entries`);
