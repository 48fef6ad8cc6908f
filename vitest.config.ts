import { existsSync, readdirSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

const conditions = ['@tallystick/source'];
const packages = readdirSync('packages').filter((name) => existsSync(`packages/${name}/test`));

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    projects: [
      ...packages.map((name) => ({
        resolve: { conditions },
        ssr: { resolve: { conditions } },
        test: {
          name,
          root: `packages/${name}`,
          include: ['test/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      })),
      ...readdirSync('examples')
        .filter((name) => existsSync(`examples/${name}/test`))
        .map((name) => ({
          resolve: { conditions },
          ssr: { resolve: { conditions } },
          test: {
            name: `example-${name}`,
            root: `examples/${name}`,
            include: ['test/**/*.test.ts'],
            testTimeout: 120_000,
            hookTimeout: 120_000,
          },
        })),
      {
        resolve: { conditions },
        ssr: { resolve: { conditions } },
        test: { name: 'docs', root: 'docs', include: ['test/**/*.test.ts'], testTimeout: 120_000 },
      },
    ],
  },
});
