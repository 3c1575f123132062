// @ts-check
// An HTTP service that loads one model.ptpinn and reconstructs NPZ datasets posted to
// it. buildService() returns the fastify instance (tests inject requests into it);
// main.js makes it listen.
'use strict';
const path = require('node:path');
const fastify = require('fastify');
const {
  Reconstructor,
  capabilities,
  datasetFromArrays,
  imageFigure,
  npzBuffer,
  readManifest,
  readNpzBuffer,
  reconstructionArrays,
} = require('../../dist/lib');
const { RequestError, describeError, errorBody } = require('./errors');
const { limiter } = require('./limiter');
const { serviceMetrics } = require('./metrics');

const NPZ_TYPES = ['application/octet-stream', 'application/x-npz'];
// What the diffraction values are, when the library cannot tell (integer-valued data).
const RECONSTRUCT_QUERY = {
  type: 'object',
  properties: { inputKind: { enum: ['amplitude', 'intensity', 'counts'] } },
  additionalProperties: false,
};

/**
 * @typedef {object} ServiceOptions
 * @property {string} modelPath
 * @property {number} [bodyLimit] largest request body in bytes; default 64 MiB
 * @property {number} [maxArrayBytes] largest total uncompressed size of the posted arrays; default 4 × bodyLimit
 * @property {number} [maxConcurrent] reconstructions running at once; default 1, see below
 * @property {import('fastify').FastifyServerOptions['logger']} [logger]
 */

/**
 * What /info says about the model.
 * @param {import('../../dist/lib').BundleManifest} manifest
 * @param {string} file
 */
function modelSummary(manifest, file) {
  return {
    file: path.basename(file),
    backend: manifest.backend,
    N: manifest.N,
    gridsize: manifest.gridsize,
    nFiltersScale: manifest.config.n_filters_scale,
    createdAt: manifest.createdAt,
    packageVersion: manifest.packageVersion,
    libtorchVersion: manifest.libtorchVersion,
    intensityScale: manifest.intensityScale,
    trainedEpochs: manifest.training?.epochs ?? null,
    finalLoss: manifest.training?.finalLoss ?? null,
  };
}

/**
 * @param {import('fastify').FastifyRequest} request
 * @returns {boolean}
 */
function wantsPng(request) {
  return (request.headers.accept ?? '').includes('image/png');
}

/** @param {ServiceOptions} options */
async function buildService(options) {
  const bodyLimit = options.bodyLimit ?? 64 * 2 ** 20;
  const maxArrayBytes = options.maxArrayBytes ?? 4 * bodyLimit;
  const model = modelSummary(await readManifest(options.modelPath), options.modelPath);
  const reconstructor = await Reconstructor.openModel(options.modelPath);
  const metrics = serviceMetrics();
  // Concurrent reconstruct() calls on one model are safe (inference shares a read lock
  // on the weights), but on a CPU one inference already uses every core (LibTorch
  // intra-op threads): more at once oversubscribe them, trading event-loop delay and tail
  // latency for some throughput (see npm run bench service). One at a time by default.
  const runLimited = limiter(options.maxConcurrent ?? 1);
  // close() waits for these before dispose().
  /** @type {Set<Promise<unknown>>} */
  const inFlight = new Set();

  const app = fastify({ bodyLimit, logger: options.logger ?? false });
  // Only NPZ bodies: fastify's default JSON and text parsers would let those through to the route.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(NPZ_TYPES, { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.setErrorHandler((error, request, reply) => {
    const { status, message } = describeError(error, { bodyLimit, contentType: request.headers['content-type'] });
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    reply.status(status).send(errorBody(status, message));
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send(errorBody(404, `no route ${request.method} ${request.url}`));
  });

  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/info', async () => ({ capabilities: capabilities(), model, limits: { bodyLimit, maxArrayBytes } }));
  app.get('/metrics', async (request) => {
    const { reset } = /** @type {{ reset?: string }} */ (request.query);
    return { ...metrics.snapshot(reset === '1' || reset === 'true'), inFlight: inFlight.size };
  });

  app.post('/reconstruct', { schema: { querystring: RECONSTRUCT_QUERY } }, async (request, reply) => {
    const body = request.body;
    if (!Buffer.isBuffer(body) || body.length === 0) {
      throw new RequestError(400, 'the request body is empty: send the dataset as an NPZ');
    }
    const { inputKind } = /** @type {{ inputKind?: import('../../dist/lib').InputKind }} */ (request.query);
    const contents = await readNpzBuffer(body, 'request body', { maxBytes: maxArrayBytes });
    const dataset = datasetFromArrays(contents, { inputKind });
    const running = runLimited(() => reconstructor.reconstruct(dataset));
    inFlight.add(running);
    const result = await running.finally(() => inFlight.delete(running));
    metrics.reconstructed(dataset.xcoords.length);
    const { inferSeconds, stitchSeconds, refineSeconds } = result.timings;
    reply.header(
      'server-timing',
      `infer;dur=${inferSeconds * 1000}, stitch;dur=${stitchSeconds * 1000}, refine;dur=${refineSeconds * 1000}`,
    );
    if (wantsPng(request)) {
      const { amplitude: values, height, width } = result;
      return reply.type('image/png').send((await imageFigure({ values, height, width, kind: 'amplitude' })).png);
    }
    reply.type('application/octet-stream').header('content-disposition', 'attachment; filename="reconstruction.npz"');
    return reply.send(await npzBuffer(reconstructionArrays(result)));
  });

  // fastify.close() stops accepting connections and closes idle ones; a keep-alive
  // connection still answering a request would hold close() open after its response,
  // so responses sent while closing end their connection.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
  app.addHook('onClose', async () => {
    await Promise.allSettled(inFlight);
    reconstructor.dispose();
    metrics.stop();
    app.log.info('model disposed');
  });
  return app;
}

module.exports = { buildService };
