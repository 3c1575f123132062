// @ts-check
// Starts the example service: `node examples/service/main.js model.ptpinn` (after
// `npm run compile`). SIGTERM or SIGINT closes it gracefully: requests in flight
// finish, then the model is disposed.
'use strict';
const { readConfig } = require('./config');
const { buildService } = require('./service');

async function main() {
  const config = readConfig();
  const app = await buildService({ ...config, logger: { level: config.logLevel } });
  const address = await app.listen({ host: config.host, port: config.port });
  // A parent process (the load test) learns the address, port 0 included, this way.
  process.send?.({ listening: address });
  for (const signal of /** @type {const} */ (['SIGTERM', 'SIGINT'])) {
    process.once(signal, () => {
      app.log.info({ signal }, 'closing: finishing requests in flight');
      app.close().then(
        () => app.log.info('closed'),
        (error) => {
          app.log.error({ err: error }, 'close failed');
          process.exitCode = 1;
        },
      );
    });
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
