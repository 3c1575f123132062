// Native work finishes on another thread, so its rejections carry no JavaScript
// stack of the caller. As sharp does, the call site's stack is captured before the
// work starts and given to the error if it fails.

/** `promise`, whose rejection (an Error) gets the stack of `callSite`, created by the caller. */
export async function withCallerStack<T>(promise: Promise<T>, callSite: Error): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof Error && callSite.stack) {
      const frames = callSite.stack.split('\n').slice(1).join('\n');
      error.stack = `${error.name}: ${error.message}\n${frames}`;
    }
    throw error;
  }
}
