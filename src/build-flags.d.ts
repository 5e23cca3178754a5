/** Compile-time constants replaced by esbuild's `define` (scripts/build.ts). */
declare const KYOTSU_TEST_BUILD: boolean;
declare const KYOTSU_TARGET: 'chrome' | 'firefox';
