/** A dataset that cannot be used as given. The message names the key, the shape and the fix. */
export class DatasetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetError';
  }
}
