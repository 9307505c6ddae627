/** Tests run the TypeScript sources through ts-jest; `isolatedModules` (tsconfig.jest.json) skips type-checking per file
 * (the `tsc` build in CI does that once), which keeps the suite fast on a 2-core machine. */
module.exports = {
  testEnvironment: 'node',
  // The Website controller (controller/website/) keeps its tests beside its sources; they run here too.
  roots: ['<rootDir>/test', '<rootDir>/controller/website/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
