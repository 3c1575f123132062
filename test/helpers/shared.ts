import { execFileSync } from 'node:child_process';

/**
 * Whether an external tool exists. Outside CI a test that needs a missing tool
 * skips and says why; under CI (which installs the tools) it must run.
 */
export function toolAvailable(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CI) throw new Error(`${tool} is required under CI (.ci/run installs it)`);
    console.warn(`skipping: ${tool} is not installed (apt-get install ${tool})`);
    return false;
  }
}
