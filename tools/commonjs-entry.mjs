// Writes dist/index.cjs: what `require('localrec')` finds. localrec runs in a browser's Web Worker
// and ships as ES modules; a CommonJS caller is almost always a test runner (jest), which has no
// workers either. So this entry says where to go instead of failing with a syntax error.
import { writeFileSync } from 'node:fs';

const message =
  "localrec runs in the browser (ES modules and a Web Worker), so require('localrec') has nothing to load. " +
  "In a jest or other CommonJS test suite, use the in-memory test double with the same API: " +
  "require('localrec/testing'), or map it in jest.config: moduleNameMapper: { '^localrec$': 'localrec/testing' }. " +
  'In an app, import localrec from an ES module (every current bundler does).';

writeFileSync(
  'dist/index.cjs',
  `'use strict';\n// See tools/commonjs-entry.mjs in the localrec repository.\nconst error = new Error(${JSON.stringify(message)});\nerror.code = 'WORKER_FAILED';\nthrow error;\n`,
);
