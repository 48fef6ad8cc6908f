// publint --strict and arethetypeswrong on every publishable package (needs a prior build).
import { join } from 'node:path';
import { publicPackages, ROOT, run } from './lib.mjs';

const bin = (name) => join(ROOT, 'node_modules', '.bin', name);

const failures = [];
for (const pkg of publicPackages()) {
  console.log(`\n── ${pkg.json.name}`);
  if (run(bin('publint'), ['--strict'], { cwd: pkg.dir }) !== 0) failures.push(`${pkg.json.name}: publint`);
  // node10 resolution predates `exports`; subpath adapters cannot work there by design.
  if (
    run(bin('attw'), ['--pack', '.', '--profile', 'node16', '--format', 'table-flipped'], {
      cwd: pkg.dir,
    }) !== 0
  ) {
    failures.push(`${pkg.json.name}: arethetypeswrong`);
  }
}
if (failures.length > 0) {
  console.error(`\npackaging lint failed:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log('\npublint and arethetypeswrong: no problems');
