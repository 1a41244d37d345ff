// The AWS SDK warns about Node 20 support on every client; the runtime in AWS is Node 24.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts', 'test/support/chromium-setup.ts'],
    setupFiles: ['test/support/log-guard.ts', 'test/support/openapi-guard.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Every line at DEBUG (the log guard reads them all), whatever the shell exports: the variables that would
    // win over LOG_LEVEL, or silence or rename the metrics the tests read, are blanked (unset to the service).
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      LOG_LEVEL: 'debug',
      AWS_LAMBDA_LOG_LEVEL: '',
      POWERTOOLS_LOG_LEVEL: '',
      POWERTOOLS_LOGGER_SAMPLE_RATE: '',
      POWERTOOLS_METRICS_DISABLED: '',
      POWERTOOLS_METRICS_NAMESPACE: '',
    },
  },
});
