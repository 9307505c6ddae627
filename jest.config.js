/** Tests run the TypeScript sources through ts-jest; `isolatedModules` skips type-checking per file
 * (the `tsc` build in CI does that once), which keeps the suite fast on a 2-core machine. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
