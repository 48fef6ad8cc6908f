// Packs every publishable package, installs the tarballs into a temporary project
// outside the workspace, then imports (ESM) and requires (CJS) every public entry
// point and calls one real function through each, as packages/*/pack-smoke.mjs says.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { publicPackages, specifiersOf } from './lib.mjs';

const work = mkdtempSync(join(tmpdir(), 'tallystick-pack-'));
const keep = process.argv.includes('--keep');
let failed = 0;
try {
  const packages = publicPackages();
  const tarballs = packages.map((pkg) => {
    const out = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], {
      cwd: pkg.dir,
      encoding: 'utf8',
    });
    return join(work, out.trim().split('\n').pop());
  });
  const app = join(work, 'app');
  execFileSync('mkdir', ['-p', app]);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'pack-test-app', private: true, type: 'module' }),
  );
  // Optional peers (pg, ioredis, better-sqlite3) are installed too, so adapters can load.
  const peers = new Set();
  for (const pkg of packages)
    for (const peer of Object.keys(pkg.json.peerDependencies ?? {}))
      if (!peer.startsWith('@tallystick/')) peers.add(peer);
  console.log(
    `installing ${tarballs.length} tarballs${peers.size ? ` and peers ${[...peers].join(', ')}` : ''} into ${app}`,
  );
  execFileSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...tarballs, ...peers],
    { cwd: app, stdio: 'inherit' },
  );

  for (const pkg of packages) {
    const smokeFile = join(pkg.dir, 'pack-smoke.mjs');
    if (!existsSync(smokeFile)) {
      console.error(`✗ ${pkg.json.name}: no pack-smoke.mjs`);
      failed++;
      continue;
    }
    const smoke = (await import(pathToFileURL(smokeFile).href)).default;
    for (const specifier of specifiersOf(pkg)) {
      if (typeof smoke[specifier] !== 'function') {
        console.error(`✗ ${specifier}: pack-smoke.mjs has no check for this entry`);
        failed++;
        continue;
      }
      const smokeUrl = JSON.stringify(pathToFileURL(smokeFile).href);
      const spec = JSON.stringify(specifier);
      const esm = `import * as mod from ${spec}; const smoke = (await import(${smokeUrl})).default; await smoke[${spec}](mod);`;
      const cjs = `const mod = require(${spec}); import(${smokeUrl}).then((s) => s.default[${spec}](mod)).catch((e) => { console.error(e); process.exit(1); });`;
      for (const [kind, file, code] of [
        ['esm', 'smoke.mjs', esm],
        ['cjs', 'smoke.cjs', cjs],
      ]) {
        writeFileSync(join(app, file), code);
        const result = spawnSync(process.execPath, [file], { cwd: app, encoding: 'utf8', timeout: 60_000 });
        if (result.status === 0) console.log(`✓ ${specifier} (${kind})`);
        else {
          failed++;
          console.error(`✗ ${specifier} (${kind})\n${result.stderr || result.stdout}`);
        }
      }
    }
  }
} finally {
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
if (failed > 0) {
  console.error(`\npack test: ${failed} entry checks failed`);
  process.exit(1);
}
console.log('\npack test: every entry imports and requires from the packed tarballs');
