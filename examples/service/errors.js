// @ts-check
// Maps what can go wrong with a request to an HTTP status and a JSON body
// {error, message} whose message names the problem.
'use strict';
const { STATUS_CODES } = require('node:http');
const { DatasetError, NpyFormatError, NpzSizeError, WorkflowError, ZipFormatError } = require('../../dist/lib');

/** A request the service refuses before the library sees it. */
class RequestError extends Error {
  /**
   * @param {number} statusCode
   * @param {string} message
   */
  constructor(statusCode, message) {
    super(message);
    this.name = 'RequestError';
    this.statusCode = statusCode;
  }
}

/**
 * @param {unknown} error
 * @param {{ bodyLimit: number, contentType?: string }} context the limit and the request's Content-Type
 * @returns {{ status: number, message: string }}
 */
function describeError(error, context) {
  const err = /** @type {Error & { statusCode?: number, code?: string }} */ (error);
  // Malformed bytes: not a zip, a damaged member, not an .npy array.
  if (err instanceof ZipFormatError || err instanceof NpyFormatError) return { status: 400, message: err.message };
  if (err instanceof NpzSizeError) return { status: 413, message: err.message };
  // A well-formed NPZ the model cannot use: missing keys, wrong N, no patterns, NaN.
  if (err instanceof DatasetError || err instanceof WorkflowError) return { status: 422, message: err.message };
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return { status: 413, message: `the request body is larger than the ${context.bodyLimit} bytes allowed` };
  }
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return {
      status: 415,
      message: `Content-Type ${context.contentType} is not accepted: send the NPZ as application/octet-stream or application/x-npz`,
    };
  }
  // The service's own refusals and fastify's other client errors (bad headers, aborted bodies).
  if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
    return { status: err.statusCode, message: err.message };
  }
  return { status: 500, message: 'internal error; the service log has the details' };
}

/**
 * @param {number} status
 * @param {string} message
 */
function errorBody(status, message) {
  return { error: STATUS_CODES[status] ?? 'Error', message };
}

module.exports = { RequestError, describeError, errorBody };
