"""torch.onnx: importable so programs that mention ONNX load, but torchlike cannot write ONNX files.

``export(...)`` takes torch's signature and raises NotImplementedError naming the alternatives:
``torchlike.jit.trace(model, example_inputs)`` + ``torchlike.jit.save`` for a reloadable compiled model, or
``jax.export`` for a serialized StableHLO program. ``is_in_onnx_export()`` is False;
``OperatorExportTypes`` and ``TrainingMode`` are torch's enums (names and values).
"""
import enum

__all__ = ["export", "is_in_onnx_export", "OperatorExportTypes", "TrainingMode", "OnnxExporterError"]


class OperatorExportTypes(enum.IntEnum):
    """torch.onnx.OperatorExportTypes."""
    ONNX = 0
    ONNX_ATEN = 1
    ONNX_ATEN_FALLBACK = 2
    ONNX_FALLTHROUGH = 3


class TrainingMode(enum.IntEnum):
    """torch.onnx.TrainingMode."""
    EVAL = 0
    PRESERVE = 1
    TRAINING = 2


class OnnxExporterError(RuntimeError):
    """torch.onnx.OnnxExporterError (never raised here: export itself is not implemented)."""


def export(model, args=(), f=None, *, kwargs=None, verbose=None, input_names=None, output_names=None,
           opset_version=None, dynamo=True, external_data=True, dynamic_shapes=None, custom_translation_table=None,
           report=False, optimize=True, verify=False, profile=False, dump_exported_program=False, artifacts_dir=".",
           export_params=True, keep_initializers_as_inputs=False, dynamic_axes=None, training=TrainingMode.EVAL,
           operator_export_type=OperatorExportTypes.ONNX, do_constant_folding=True, custom_opsets=None,
           export_modules_as_functions=False, autograd_inlining=True):
    """torch.onnx.export's signature; always raises NotImplementedError (torchlike has no ONNX exporter)."""
    raise NotImplementedError(
        "torchlike.onnx.export is not implemented: torchlike cannot write ONNX. To save a compiled model use "
        "torchlike.jit.trace(model, example_inputs) and torchlike.jit.save(traced, path) (reload with "
        "torchlike.jit.load), or jax.export to serialize a StableHLO program.")


def is_in_onnx_export():
    """torch.onnx.is_in_onnx_export: False (no ONNX export ever runs)."""
    return False
