#!/usr/bin/env node
// The CLI is bundled by `npm run build` into dist/cli.js; this shim is the package's `bin`.
require('../dist/cli.js');
