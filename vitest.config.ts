import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

// The system Chromium (apt-get install chromium); never a downloaded browser.
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/unit/**/*.test.ts', 'test/node/**/*.test.ts', 'test/contract/lmdb.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'happy-dom',
          environment: 'happy-dom',
          setupFiles: ['fake-indexeddb/auto'],
          include: ['test/contract/indexeddb.test.ts', 'test/contract/indexeddb-cursor.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'chromium',
          include: ['test/contract/indexeddb.test.ts', 'test/browser/**/*.test.ts'],
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: {
                executablePath: chromium,
                args: [
                  '--no-sandbox',
                  '--disable-gpu',
                  '--disable-background-networking',
                  '--disable-component-update',
                  '--disable-sync',
                ],
              },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
