// publint --strict and arethetypeswrong on every publishable package (needs a prior build).
import { publicPackages, run } from './lib.mjs';

const failures = [];
for (const pkg of publicPackages()) {
  console.log(`\n── ${pkg.json.name}`);
  if (run('npx', ['--no', 'publint', '--strict'], { cwd: pkg.dir }) !== 0)
    failures.push(`${pkg.json.name}: publint`);
  // node10 resolution predates `exports`; subpath adapters cannot work there by design.
  if (
    run('npx', ['--no', 'attw', '--pack', '.', '--profile', 'node16', '--format', 'table-flipped'], {
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
