"""The only package that imports torch/transformers/onnxruntime; every such import is inside a
function.

The web process imports `nlp` freely and never pays for torch: models load on first use in the
process that runs inference (a Celery worker on the `nlp` queue, a management command), once per
process, behind a lock.
"""

from nlp.inference._shared import MAX_TOKENS, embedded_encoder_path
from nlp.inference.classifier import HFClassifier, classifier_get, st_encode
from nlp.inference.encoder import EncodedSegments, Encoder, encoder_get
from nlp.inference.mlp import fit_mlp
from nlp.inference.onnx import ONNX_DIR, onnx_encoder_build

__all__ = [
    "MAX_TOKENS",
    "ONNX_DIR",
    "EncodedSegments",
    "Encoder",
    "HFClassifier",
    "classifier_get",
    "embedded_encoder_path",
    "encoder_get",
    "fit_mlp",
    "onnx_encoder_build",
    "st_encode",
]
