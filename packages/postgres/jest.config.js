module.exports = require('../../jest.preset.js')(__dirname, {
  // checks the server once (tests skip, or fail under DOSSIER_REQUIRE_PG=1) and compiles dist/ for the
  // tests that run the adapter in child processes
  globalSetup: '<rootDir>/src/testing/jest-global-setup.ts',
});
