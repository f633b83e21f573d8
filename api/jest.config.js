/** Unit specs live beside the code they test (src/**\/*.spec.ts). */
module.exports = {
  rootDir: 'src',
  testRegex: '.*\\.spec\\.ts$',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/../tsconfig.json' }] },
  testEnvironment: 'node',
  // Specs of atomic primitives run against a real embedded FerretDB and redis-server.
  globalSetup: '<rootDir>/database/testing/real-servers.global-setup.ts',
  globalTeardown: '<rootDir>/database/testing/real-servers.global-teardown.ts',
  testTimeout: 30_000,
};
