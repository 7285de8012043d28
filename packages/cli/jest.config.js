// The specs under src/e2e/ run the compiled command (dist/main.js) as child processes: build first (turbo does).
module.exports = {
  ...require('../../jest.preset.js')(__dirname),
  globalSetup: '<rootDir>/src/testing/global-setup.ts',
  globalTeardown: '<rootDir>/src/testing/global-teardown.ts',
  testTimeout: 60_000,
};
