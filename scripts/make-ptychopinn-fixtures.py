#!/usr/bin/env python3
"""Writes fixtures/ptychopinn/: model files made by PtychoPINN's own code, and the
network's output on fixed inputs as PtychoPINN computes it, for test/import-model.test.ts.

PtychoPINN is imported from the path given at run time; none of its code is copied
here. Run once by hand (the outputs are committed; tests read them without Python):

    python3 -m venv v && v/bin/pip install tensorflow-cpu==2.21.0 torch==2.13.0+cpu \\
        numpy scipy h5py dill lightning scikit-image matplotlib pandas
    git clone https://github.com/hoidn/PtychoPINN && git -C PtychoPINN checkout <commit in README>
    v/bin/python scripts/make-ptychopinn-fixtures.py --ptychopinn PtychoPINN

Each model is built, saved the way PtychoPINN saves it, then loaded back by
PtychoPINN in a fresh process, which computes the expected outputs: so the
fixtures say what PtychoPINN itself reads the files to mean.

- tensorflow/wts.h5.zip: ptycho.model_manager.save() of the paper's network (N = 64,
  gridsize 1, n_filters_scale 1), its trained log_scale set to log 40;
- lightning/model.ckpt: a Lightning checkpoint of ptycho_torch's PtychoPINN_Lightning
  in the configuration that is the paper's network (N = 64, gridsize 2, so the last
  decoder stage sends 4 channels to its outer branch; no CBAM/ECA attention, no batch
  norm, separate amplitude and phase decoders); lightning/probe.npz its probe;
- */expected.npz: `amplitudes` (M, C, N, N) the network's input (normalised
  amplitudes), `amplitude` and `phase` (M, C_out, N, N) the decoders' outputs.

Weights are random (Glorot-uniform, biases uniform ±0.1), quantised to multiples of
2^-10 so the deflated wts.h5.zip stays small; random biases make the bias mapping count.
PtychoPINN imports a few packages this needs none of (tensorflow_probability,
mlflow, tensordict); minimal stand-ins for them are written to a temporary folder.
"""

import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'ptychopinn')
N = 64
PATTERNS = 3
TRAINED_INTENSITY_SCALE = 40.0

STAND_INS = {
    # Only ptycho.model's Poisson distribution helper uses it, never called here.
    'tensorflow_probability/__init__.py': 'import types\nlayers = types.SimpleNamespace()\n'
    'distributions = types.SimpleNamespace()\n',
    # Experiment tracking, imported at module level by ptycho_torch.
    'mlflow/__init__.py': 'import types\nclass MlflowClient:\n    pass\n'
    'tracking = types.SimpleNamespace(MlflowClient=MlflowClient)\n',
    'mlflow/pytorch.py': '',
    # ptycho_torch's memory-mapped data loader, imported at module level.
    'tensordict/__init__.py': 'class MemoryMappedTensor:\n    pass\nclass TensorDict:\n    pass\n',
}


def write_stand_ins(folder):
    for name, text in STAND_INS.items():
        path = os.path.join(folder, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w') as f:
            f.write(text)


def quantised_uniform(rng, limit, shape):
    return (np.round(rng.uniform(-limit, limit, shape) * 1024) / 1024).astype(np.float32)


def glorot_limit(kh, kw, cin, cout):
    return np.sqrt(6.0 / (kh * kw * (cin + cout)))


def probe_guess():
    """A Gaussian beam with a phase ramp and curvature."""
    yy, xx = np.mgrid[:N, :N] - N / 2
    r2 = xx**2 + yy**2
    return (np.exp(-r2 / (2 * 7.0**2)) * np.exp(1j * (0.05 * xx + 0.002 * r2))).astype(np.complex64)


def input_patterns(channels):
    """Far-field amplitudes of random objects under the probe, normalised as PtychoPINN does: mean Σ X² = (N/2)²."""
    rng = np.random.default_rng(7)
    probe = probe_guess()
    obj = np.exp(1j * rng.uniform(-1, 1, (PATTERNS, channels, N, N))) * rng.uniform(0.3, 1, (PATTERNS, channels, N, N))
    amplitudes = np.abs(np.fft.fftshift(np.fft.fft2(probe * obj, norm='ortho'), axes=(-2, -1)))
    amplitudes *= np.sqrt((N / 2) ** 2 / np.mean(np.sum(amplitudes**2, axis=(-2, -1))))
    return amplitudes.astype(np.float32)


# ---------------------------------------------------------------- TensorFlow


def tf_save(folder):
    from ptycho import params
    from ptycho.config.config import ModelConfig, TrainingConfig, update_legacy_dict
    from ptycho import probe as ptycho_probe

    config = TrainingConfig(model=ModelConfig(N=N, gridsize=1, n_filters_scale=1), nphotons=1e6)
    update_legacy_dict(params.cfg, config)
    ptycho_probe.set_probe_guess(None, probe_guess())
    params.set('intensity_scale', np.sqrt(config.nphotons) / (N / 2))

    from ptycho import model, model_manager

    autoencoder, diffraction_to_obj = model.create_compiled_model()
    rng = np.random.default_rng(1)
    for layer in autoencoder.layers:
        if layer.__class__.__name__ == 'Conv2D':
            kernel, bias = layer.get_weights()
            layer.set_weights(
                [quantised_uniform(rng, glorot_limit(*kernel.shape), kernel.shape), quantised_uniform(rng, 0.1, bias.shape)]
            )
    # As if training had moved it: save() records exp(log_scale) as intensity_scale.
    model._get_log_scale().assign(np.log(TRAINED_INTENSITY_SCALE))
    # save() stores the module-level models, as PtychoPINN's training workflow sets them.
    model.autoencoder = autoencoder
    model.diffraction_to_obj = diffraction_to_obj
    model_manager.save(folder)


def tf_expect(folder):
    import tensorflow as tf
    from ptycho import params
    from ptycho.model_manager import ModelManager

    loaded = ModelManager.load_multiple_models(os.path.join(folder, 'wts.h5'), ['diffraction_to_obj'])
    network = loaded['diffraction_to_obj']
    gridsize = params.get('gridsize')
    C = gridsize**2
    # The decoders' outputs: the two inputs of the layer that combines them ('obj').
    amplitude_phase = tf.keras.Model(network.inputs[0], network.get_layer('obj').input)
    amplitudes = input_patterns(C)
    # PtychoPINN's model takes s·X and divides it by exp(log_scale) before the network.
    model_input = np.transpose(amplitudes, (0, 2, 3, 1)) * params.get('intensity_scale')
    amplitude, phase = (np.asarray(t) for t in amplitude_phase(model_input))
    np.savez(
        os.path.join(folder, 'expected.npz'),
        amplitudes=amplitudes,
        amplitude=np.transpose(amplitude, (0, 3, 1, 2)).astype(np.float32),
        phase=np.transpose(phase, (0, 3, 1, 2)).astype(np.float32),
        intensity_scale=np.float64(params.get('intensity_scale')),
    )


# ---------------------------------------------------------------- PyTorch Lightning


def lightning_configs():
    from ptycho_torch.config_params import DataConfig, InferenceConfig, ModelConfig, TrainingConfig

    data = DataConfig(N=N, C=4, grid_size=(2, 2), nphotons=1e6)
    model = ModelConfig(
        C_model=4, C_forward=4, n_filters_scale=1, amp_activation='sigmoid', cbam_encoder=False, object_big=True, probe_big=True
    )
    return model, data, TrainingConfig(), InferenceConfig()


def lightning_save(folder):
    import lightning as L
    import torch
    from ptycho_torch.model import PtychoPINN_Lightning

    module = PtychoPINN_Lightning(*lightning_configs())
    rng = np.random.default_rng(2)
    with torch.no_grad():
        for layer in module.modules():
            if isinstance(layer, torch.nn.Conv2d):
                cout, cin, kh, kw = layer.weight.shape
                layer.weight.copy_(torch.from_numpy(quantised_uniform(rng, glorot_limit(kh, kw, cin, cout), tuple(layer.weight.shape))))
                layer.bias.copy_(torch.from_numpy(quantised_uniform(rng, 0.1, tuple(layer.bias.shape))))
    trainer = L.Trainer(accelerator='cpu', logger=False, enable_checkpointing=False, enable_progress_bar=False)
    trainer.strategy.connect(module)
    trainer.save_checkpoint(os.path.join(folder, 'model.ckpt'))
    np.savez(os.path.join(folder, 'probe.npz'), probeGuess=probe_guess())


def lightning_expect(folder):
    import torch
    from ptycho_torch.model import PtychoPINN_Lightning

    module = PtychoPINN_Lightning.load_from_checkpoint(os.path.join(folder, 'model.ckpt'), map_location='cpu')
    module.eval()
    amplitudes = input_patterns(module.model_config.C_model)
    with torch.no_grad():
        amplitude, phase = module.model.autoencoder(torch.from_numpy(amplitudes))
    np.savez(
        os.path.join(folder, 'expected.npz'),
        amplitudes=amplitudes,
        amplitude=amplitude.numpy().astype(np.float32),
        phase=phase.numpy().astype(np.float32),
    )


STEPS = {'tf-save': tf_save, 'tf-expect': tf_expect, 'lightning-save': lightning_save, 'lightning-expect': lightning_expect}
FOLDERS = {'tf': 'tensorflow', 'lightning': 'lightning'}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--ptychopinn', required=True, help='a checkout of github.com/hoidn/PtychoPINN')
    parser.add_argument('--step', choices=sorted(STEPS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        STEPS[args.step](os.path.join(OUT, FOLDERS[args.step.split('-')[0]]))
        return
    with tempfile.TemporaryDirectory() as stand_ins:
        write_stand_ins(stand_ins)
        env = {**os.environ, 'PYTHONPATH': os.pathsep.join([os.path.abspath(args.ptychopinn), stand_ins])}
        # Each step in a fresh process: PtychoPINN keeps its configuration and models in module globals.
        for step in ['tf-save', 'tf-expect', 'lightning-save', 'lightning-expect']:
            os.makedirs(os.path.join(OUT, FOLDERS[step.split('-')[0]]), exist_ok=True)
            subprocess.run([sys.executable, __file__, '--ptychopinn', args.ptychopinn, '--step', step], env=env, check=True)


if __name__ == '__main__':
    main()
