"""Exports a trained checkpoint to the three ONNX sessions of a SmolVLM model, with the real
export's input and output names, dtypes and dynamic axes, in fp32 and q8 (`_quantized`: the
DynamicQuantizeLinear + MatMulInteger pattern of onnxruntime's quantize_dynamic, which the
published SmolVLM `_quantized.onnx` files use, and a uint8 embedding table).

  /usr/bin/python3 scripts/demo-model/export.py --work <dir> --out <model folder>
"""
from __future__ import annotations

import argparse
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(__file__))
from model import Config, ShapesVLM  # noqa: E402
from processor import FRAME, POOL  # noqa: E402

OPSET = 14


class VisionEncoderGraph(nn.Module):
    """pixel_values [B, N, 3, H, W] + pixel_attention_mask [B, N, H, W] -> image_features [frames, 64, D]."""

    def __init__(self, model: ShapesVLM):
        super().__init__()
        self.vision = model.vision

    def forward(self, pixel_values: torch.Tensor, pixel_attention_mask: torch.Tensor) -> torch.Tensor:
        x = pixel_values.reshape(-1, 3, FRAME, FRAME)
        mask = pixel_attention_mask.reshape(-1, FRAME, FRAME).to(torch.float32)
        # Like Idefics3Model.get_image_features: frames that are all zero are batch padding.
        real = x.abs().amax(dim=(1, 2, 3)) > 0
        x = x[real] * mask[real][:, None]
        return self.vision(F.avg_pool2d(x, POOL))["tokens"]


class EmbedTokensGraph(nn.Module):
    def __init__(self, model: ShapesVLM):
        super().__init__()
        self.embed = model.decoder.embed

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        return self.embed(input_ids)


class DecoderGraph(nn.Module):
    def __init__(self, model: ShapesVLM):
        super().__init__()
        self.decoder = model.decoder
        self.layers = model.cfg.text_layers

    def forward(self, inputs_embeds, attention_mask, position_ids, *past_flat):
        past = [(past_flat[2 * i], past_flat[2 * i + 1]) for i in range(self.layers)]
        logits, presents = self.decoder(inputs_embeds, attention_mask, position_ids, past)
        return (logits, *[t for kv in presents for t in kv])


def export_all(model: ShapesVLM, out_dir: str) -> None:
    cfg = model.cfg
    onnx_dir = os.path.join(out_dir, "onnx")
    os.makedirs(onnx_dir, exist_ok=True)
    model.eval()

    pixel_values = torch.randn(1, 2, 3, FRAME, FRAME)
    pixel_mask = torch.ones(1, 2, FRAME, FRAME, dtype=torch.bool)
    torch.onnx.export(
        VisionEncoderGraph(model),
        (pixel_values, pixel_mask),
        os.path.join(onnx_dir, "vision_encoder.onnx"),
        input_names=["pixel_values", "pixel_attention_mask"],
        output_names=["image_features"],
        dynamic_axes={
            "pixel_values": {0: "batch_size", 1: "num_images", 3: "height", 4: "width"},
            "pixel_attention_mask": {0: "batch_size", 1: "num_images", 2: "height", 3: "width"},
            "image_features": {0: "num_frames"},
        },
        opset_version=OPSET,
    )

    torch.onnx.export(
        EmbedTokensGraph(model),
        (torch.tensor([[1, 2, 3]]),),
        os.path.join(onnx_dir, "embed_tokens.onnx"),
        input_names=["input_ids"],
        output_names=["inputs_embeds"],
        dynamic_axes={"input_ids": {0: "batch_size", 1: "sequence_length"}, "inputs_embeds": {0: "batch_size", 1: "sequence_length"}},
        opset_version=OPSET,
    )

    # Traced with a non-empty past so that every length stays symbolic.
    past_len, seq = 5, 3
    past = []
    past_names, present_names, axes = [], [], {}
    for i in range(cfg.text_layers):
        for kind in ("key", "value"):
            past.append(torch.randn(1, cfg.kv_heads, past_len, cfg.head_dim))
            past_names.append(f"past_key_values.{i}.{kind}")
            present_names.append(f"present.{i}.{kind}")
            axes[f"past_key_values.{i}.{kind}"] = {0: "batch_size", 2: "past_sequence_length"}
            axes[f"present.{i}.{kind}"] = {0: "batch_size", 2: "total_sequence_length"}
    axes.update(
        {
            "inputs_embeds": {0: "batch_size", 1: "sequence_length"},
            "attention_mask": {0: "batch_size", 1: "total_sequence_length"},
            "position_ids": {0: "batch_size", 1: "sequence_length"},
            "logits": {0: "batch_size", 1: "sequence_length"},
        }
    )
    torch.onnx.export(
        DecoderGraph(model),
        (
            torch.randn(1, seq, cfg.text_dim),
            torch.ones(1, past_len + seq, dtype=torch.long),
            torch.arange(past_len, past_len + seq)[None],
            *past,
        ),
        os.path.join(onnx_dir, "decoder_model_merged.onnx"),
        input_names=["inputs_embeds", "attention_mask", "position_ids", *past_names],
        output_names=["logits", *present_names],
        dynamic_axes=axes,
        opset_version=OPSET,
    )
    for name in ("vision_encoder", "embed_tokens", "decoder_model_merged"):
        path = os.path.join(onnx_dir, f"{name}.onnx")
        m = onnx.load(path)
        m.producer_name = "vlm-chat scripts/demo-model"
        m.doc_string = f"shapes-demo: a small SmolVLM-format model trained on simple shapes ({name})"
        onnx.checker.check_model(m)
        onnx.save(m, path)
        quantized = quantize(m, embedding=name == "embed_tokens")
        onnx.checker.check_model(quantized)
        onnx.save(quantized, os.path.join(onnx_dir, f"{name}_quantized.onnx"))


def _uint8(values: np.ndarray) -> tuple[np.ndarray, float, int]:
    """Per-tensor asymmetric uint8, the range always including 0 (as onnxruntime's quantizer)."""
    lo, hi = min(float(values.min()), 0.0), max(float(values.max()), 0.0)
    scale = (hi - lo) / 255 or 1.0
    zero = int(round(-lo / scale))
    q = np.clip(np.round(values / scale) + zero, 0, 255).astype(np.uint8)
    return q, scale, zero


def _add_quantized(graph: onnx.GraphProto, weight: onnx.TensorProto) -> str:
    """Adds `<name>_quantized`, `_scale` and `_zero_point` initializers for a float weight (once,
    however many nodes use it); returns the name."""
    if any(t.name == f"{weight.name}_quantized" for t in graph.initializer):
        return weight.name
    q, scale, zero = _uint8(numpy_helper.to_array(weight))
    graph.initializer.extend(
        [
            numpy_helper.from_array(q, f"{weight.name}_quantized"),
            numpy_helper.from_array(np.array(scale, dtype=np.float32), f"{weight.name}_scale"),
            numpy_helper.from_array(np.array(zero, dtype=np.uint8), f"{weight.name}_zero_point"),
        ]
    )
    return weight.name


def quantize(model: onnx.ModelProto, embedding: bool) -> onnx.ModelProto:
    m = onnx.ModelProto()
    m.CopyFrom(model)
    g = m.graph
    inits = {t.name: t for t in g.initializer}
    nodes = []
    for node in g.node:
        weight = inits.get(node.input[1]) if node.op_type == "MatMul" and len(node.input) == 2 else None
        gather = inits.get(node.input[0]) if node.op_type == "Gather" and embedding else None
        if weight is not None and len(weight.dims) == 2:
            base = _add_quantized(g, weight)
            x = node.input[0]
            out = node.output[0]
            p = f"{node.name or out}_q"
            nodes += [
                helper.make_node("DynamicQuantizeLinear", [x], [f"{p}_x", f"{p}_xs", f"{p}_xz"], name=f"{p}_dql"),
                helper.make_node("MatMulInteger", [f"{p}_x", f"{base}_quantized", f"{p}_xz", f"{base}_zero_point"], [f"{p}_acc"], name=f"{p}_mmi"),
                helper.make_node("Cast", [f"{p}_acc"], [f"{p}_accf"], to=TensorProto.FLOAT, name=f"{p}_cast"),
                helper.make_node("Mul", [f"{p}_xs", f"{base}_scale"], [f"{p}_s"], name=f"{p}_scale"),
                helper.make_node("Mul", [f"{p}_accf", f"{p}_s"], [out], name=f"{p}_mul"),
            ]
        elif gather is not None:
            base = _add_quantized(g, gather)
            out = node.output[0]
            nodes += [
                helper.make_node("Gather", [f"{base}_quantized", node.input[1]], [f"{out}_q"], axis=0, name=f"{out}_gather"),
                helper.make_node("DequantizeLinear", [f"{out}_q", f"{base}_scale", f"{base}_zero_point"], [out], name=f"{out}_dq"),
            ]
        else:
            nodes.append(node)
    del g.node[:]
    g.node.extend(nodes)
    used = {i for n in g.node for i in n.input}
    kept = [t for t in g.initializer if t.name in used]
    del g.initializer[:]
    g.initializer.extend(kept)
    return m


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    torch.set_num_threads(1)
    ckpt = torch.load(os.path.join(args.work, "checkpoint.pt"))
    model = ShapesVLM(Config(**ckpt["config"]))
    model.load_state_dict(ckpt["model"])
    export_all(model, args.out)
    print(f"exported step {ckpt['step']} to {args.out}/onnx")


if __name__ == "__main__":
    main()
