import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const server = process.env.RECONCILE_SERVER_URL ?? 'http://127.0.0.1:8787';

/**
 * Builds `src/sw.ts` as `/sw.js` (a service worker must keep a stable URL at
 * the scope root) and writes into it the list of files to precache: every
 * file of the build plus the public ones. Hashed file names make the list,
 * and so the service worker, change with every release, which is what makes
 * browsers install the new version.
 */
function serviceWorker(): Plugin {
  return {
    name: 'tallystick-service-worker',
    apply: 'build',
    // After Vite's HTML plugin, so index.html is in the bundle.
    enforce: 'post',
    generateBundle(_options, bundle) {
      const sw = bundle['sw.js'];
      if (sw?.type !== 'chunk') throw new Error('the service worker chunk sw.js is missing');
      const files = [
        ...new Set([
          '/',
          '/index.html',
          ...Object.keys(bundle)
            .filter((name) => name !== 'sw.js' && !name.endsWith('.map'))
            .map((name) => `/${name}`),
          ...readdirSync(join(here, 'public')).map((name) => `/${name}`),
        ]),
      ].sort();
      const version = createHash('sha256').update(files.join('\n')).digest('hex').slice(0, 12);
      // The minifier may inline the placeholders, so replace every occurrence, in any quotes.
      sw.code = sw.code
        .replace(/(["'`])__PRECACHE__\1/g, JSON.stringify(files))
        .replaceAll('__VERSION__', version);
      if (sw.code.includes('__PRECACHE__'))
        throw new Error('sw.js: the precache placeholder was not replaced');
    },
  };
}

export default defineConfig({
  root: here,
  // Build the workspace packages from their TypeScript source, like tests and tsx do.
  resolve: { conditions: ['@tallystick/source', ...defaultClientConditions] },
  plugins: [serviceWorker()],
  build: {
    target: 'es2022',
    sourcemap: false,
    rolldownOptions: {
      input: { app: join(here, 'index.html'), sw: join(here, 'src/sw.ts') },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js'),
      },
    },
  },
  // `npm run dev`: the API comes from a running reconcile server.
  server: {
    proxy: Object.fromEntries(
      ['/intents', '/products', '/receipt-codes', '/keys', '/report'].map((path) => [path, server]),
    ),
  },
});
