// Whether the TensorFlow engine is here. Under CI (which installs TensorFlow and
// builds ptychopinn_tf.node) its absence is a failure; elsewhere its tests skip and
// say why.
import { tensorflowEngine } from '../../lib/backends/tensorflow/tensorflowEngine';

export function tensorflowAvailable(): boolean {
  const availability = tensorflowEngine.availability();
  if (availability.available) return true;
  if (process.env.CI) {
    throw new Error(`the TensorFlow engine is required under CI (.ci/run installs it): ${availability.missing}`);
  }
  console.warn(`skipping TensorFlow engine tests: ${availability.missing}`);
  return false;
}
