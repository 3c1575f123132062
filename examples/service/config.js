// @ts-check
// Every setting of the example service, from the command line and the environment,
// read here and nowhere else.
'use strict';

const MiB = 2 ** 20;

/**
 * @typedef {object} ServiceConfig
 * @property {string} modelPath the model.ptpinn to serve
 * @property {string} host
 * @property {number} port
 * @property {number} bodyLimit largest request body in bytes (413 above it)
 * @property {number} maxArrayBytes largest total uncompressed size of the body's arrays (413 above it)
 * @property {number} maxConcurrent reconstructions running at once; the others wait in arrival order
 * @property {string} logLevel pino level: fatal, error, warn, info, debug, trace, silent
 */

/**
 * @param {NodeJS.ProcessEnv} env
 * @param {string} name
 * @param {number} fallback
 * @param {number} min
 */
function integerSetting(env, name, fallback, min = 0) {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name}=${JSON.stringify(raw)}: expected an integer >= ${min}`);
  }
  return value;
}

/**
 * `node main.js [model.ptpinn]`; the model may also come from PTYCHOPINN_MODEL.
 * @param {string[]} argv arguments after the script name
 * @param {NodeJS.ProcessEnv} env
 * @returns {ServiceConfig}
 */
function readConfig(argv = process.argv.slice(2), env = process.env) {
  const modelPath = argv[0] ?? env.PTYCHOPINN_MODEL;
  if (!modelPath) throw new Error('no model: run `node main.js path/to/model.ptpinn` or set PTYCHOPINN_MODEL');
  const bodyLimit = integerSetting(env, 'BODY_LIMIT', 64 * MiB, 1);
  return {
    modelPath,
    host: env.HOST || '127.0.0.1',
    port: integerSetting(env, 'PORT', 3000),
    bodyLimit,
    // Deflated diffraction data rarely shrink below a quarter of their size.
    maxArrayBytes: integerSetting(env, 'MAX_ARRAY_BYTES', 4 * bodyLimit, 1),
    logLevel: env.LOG_LEVEL || 'info',
    maxConcurrent: integerSetting(env, 'MAX_CONCURRENT', 1, 1),
  };
}

module.exports = { readConfig };
