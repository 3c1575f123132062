#!/usr/bin/env node
'use strict';
let cli;
try {
  cli = require('../dist/lib/cli/main.js');
} catch (error) {
  if (error && error.code === 'MODULE_NOT_FOUND' && /dist[\\/]lib[\\/]cli[\\/]main/.test(error.message)) {
    console.error('ptychopinn: the compiled CLI is missing (dist/). In a checkout, run `npm run compile`.');
    process.exit(1);
  }
  throw error;
}
cli.main(process.argv).then((code) => {
  process.exitCode = code;
});
