/** API end-to-end tests: a real hub process on a real embedded database, over HTTP and sockets. */
module.exports = {
  rootDir: __dirname,
  testMatch: ['<rootDir>/api/**/*.e2e-spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  globalSetup: '<rootDir>/utils/global-setup.ts',
  globalTeardown: '<rootDir>/utils/global-teardown.ts',
  testEnvironment: 'node',
  testTimeout: 30_000,
  // The suites start and kill real processes (hubs, databases); a test that times out with hundreds
  // of requests in flight once left a socket that kept Jest alive after teardown. CI must end.
  forceExit: true,
};
