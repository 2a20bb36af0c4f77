"""Plain restatement of the image resize the Qwen3-VL processor runs, for the Java port to follow.

Qwen2VLImageProcessor (torchvision backend) calls torchvision's resize on a uint8 CHW tensor with
BICUBIC and antialias=True. On CPU that is torch's native uint8 path, `_upsample_bicubic2d_aa` ->
`upsample_avx_bilinear_bicubic_uint8` (aten/src/ATen/native/cpu/UpSampleKernel.cpp and
UpSampleKernelAVXAntialias.h): Pillow-SIMD's separable resampler with int16 weights whose precision
depends on the largest weight. It is close to Pillow's own BICUBIC resize but not equal (Pillow always
uses 22-bit int32 weights), so a port must follow this, not Pillow. make_fixtures.py checks that this
function reproduces torchvision's output bit for bit on every fixture image.
"""

from __future__ import annotations

import numpy as np

A = -0.5  # Keys' cubic kernel parameter in the antialiased (PIL-compatible) path; plain bicubic uses -0.75.


def cubic(x: float) -> float:
    x = abs(x)
    if x < 1.0:
        return ((A + 2) * x - (A + 3)) * x * x + 1
    if x < 2.0:
        return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A
    return 0.0


def int16_weights(in_size: int, out_size: int) -> tuple[list[tuple[int, list[int]]], int]:
    """Per output index: (first input index, integer weights), and the weights' fixed-point precision.

    HelperInterpBase::_compute_weights_aa and _compute_indices_int16_weights_aa, all in double."""
    scale = in_size / out_size
    support = 2.0 * scale if scale >= 1.0 else 2.0  # the filter widens when downscaling: antialiasing
    inverse = 1.0 / scale if scale >= 1.0 else 1.0
    rows = []
    for i in range(out_size):
        center = scale * (i + 0.5)
        first = max(int(center - support + 0.5), 0)  # int() truncates toward zero, as the C++ cast
        count = min(int(center + support + 0.5), in_size) - first
        weights = [cubic((j + first - center + 0.5) * inverse) for j in range(count)]
        total = 0.0
        for w in weights:  # sequential sum, the C++ loop's order
            total += w
        rows.append((first, [w / total if total != 0.0 else w for w in weights]))
    largest = max(max(w) for _, w in rows)
    precision = 0
    while precision < 22 and int(0.5 + largest * (1 << (precision + 1))) < (1 << 15):
        precision += 1
    quantised = [
        (first, [int(w * (1 << precision) - 0.5) if w < 0 else int(w * (1 << precision) + 0.5) for w in weights])
        for first, weights in rows
    ]
    return quantised, precision


def resample_axis(image: np.ndarray, out_size: int, axis: int) -> np.ndarray:
    """One separable pass over a (H, W, C) uint8 image: integer multiply-add, round, shift, clamp to 0..255."""
    rows, precision = int16_weights(image.shape[axis], out_size)
    source = np.moveaxis(image, axis, 0).astype(np.int64)
    result = np.empty((out_size,) + source.shape[1:], dtype=np.int64)
    for i, (first, weights) in enumerate(rows):
        accumulator = np.full(source.shape[1:], 1 << (precision - 1), dtype=np.int64)
        for j, weight in enumerate(weights):
            accumulator += weight * source[first + j]
        result[i] = np.clip(accumulator >> precision, 0, 255)  # arithmetic shift, then saturate
    return np.moveaxis(result, 0, axis).astype(np.uint8)


def resize(rgb: np.ndarray, height: int, width: int) -> np.ndarray:
    """Horizontal pass first (into a uint8 buffer), then vertical; a pass is skipped when its size is unchanged."""
    out = rgb
    if width != rgb.shape[1]:
        out = resample_axis(out, width, axis=1)
    if height != rgb.shape[0]:
        out = resample_axis(out, height, axis=0)
    return out
