import { describe, expect, it } from 'vitest';
import { chooseDtypes, planDevices } from './dtype-policy.ts';
import { availableDtypes, CONFIG_FILES, CURATED_MODELS, FAMILY_TRAITS, filesForDtypes, mergeRegistry, parseOriginIndex } from './registry.ts';
import type { Dtype, SessionName } from '../protocol.ts';

const smol256 = CURATED_MODELS.find((m) => m.id === 'SmolVLM-256M-Instruct')!;
const everything = availableDtypes(smol256);
const fp32Only: Record<SessionName, Dtype[]> = { vision_encoder: ['fp32'], embed_tokens: ['fp32'], decoder_model_merged: ['fp32'] };

describe('dtype policy', () => {
  it('uses fp16 / q4f16 on WebGPU only with shader-f16', () => {
    expect(chooseDtypes(everything, 'webgpu', true)).toEqual({ vision_encoder: 'fp16', embed_tokens: 'fp16', decoder_model_merged: 'q4f16' });
    const noF16 = chooseDtypes(everything, 'webgpu', false);
    expect(noF16).toEqual({ vision_encoder: 'fp32', embed_tokens: 'fp32', decoder_model_merged: 'q4' });
    expect(Object.values(noF16)).not.toContain('fp16');
  });

  it('uses q8 on WASM', () => {
    expect(chooseDtypes(everything, 'wasm', false)).toEqual({ vision_encoder: 'q8', embed_tokens: 'q8', decoder_model_merged: 'q8' });
  });

  it('prefers fp32 to q4 for the WASM decoder (MatMulNBits is slow in ORT-web WASM)', () => {
    const noQ8 = { ...everything, decoder_model_merged: everything.decoder_model_merged.filter((dtype) => dtype !== 'q8') };
    expect(chooseDtypes(noQ8, 'wasm', false).decoder_model_merged).toBe('fp32');
  });

  it('falls back to what the model publishes', () => {
    expect(chooseDtypes(fp32Only, 'wasm', false)).toEqual({ vision_encoder: 'fp32', embed_tokens: 'fp32', decoder_model_merged: 'fp32' });
    expect(chooseDtypes(fp32Only, 'webgpu', true).decoder_model_merged).toBe('fp32');
  });

  it('honours an explicit request, and refuses an impossible one with a reason', () => {
    expect(chooseDtypes(everything, 'wasm', false, { decoder_model_merged: 'q4' }).decoder_model_merged).toBe('q4');
    expect(() => chooseDtypes(everything, 'webgpu', false, 'fp16')).toThrow(/shader-f16/);
    expect(() => chooseDtypes(fp32Only, 'wasm', false, 'q8')).toThrow(/not published as q8; available: fp32/);
  });
});

describe('registry', () => {
  it('knows the curated SmolVLM, SmolVLM2 video, FastVLM and Florence-2 models with their Hub ids and context lengths', () => {
    expect(CURATED_MODELS.flatMap((m) => (m.source.kind === 'hub' ? [m.source.repo] : []))).toEqual([
      'HuggingFaceTB/SmolVLM-256M-Instruct',
      'HuggingFaceTB/SmolVLM-500M-Instruct',
      'HuggingFaceTB/SmolVLM-Instruct',
      'HuggingFaceTB/SmolVLM2-256M-Video-Instruct',
      'HuggingFaceTB/SmolVLM2-500M-Video-Instruct',
      'onnx-community/FastVLM-0.5B-ONNX',
      'onnx-community/Florence-2-base-ft',
      'onnx-community/Florence-2-large-ft',
    ]);
    expect(CURATED_MODELS.filter((m) => m.video === 'trained').every((m) => m.sizesAreEstimates && m.files.some((f) => f.path === 'preprocessor_config.json'))).toBe(true);
    expect(smol256.contextLength).toBe(8192);
  });

  it('sums the exact download of a dtype map (256M on WASM: q8 everywhere)', () => {
    const { bytes, files } = filesForDtypes(smol256, chooseDtypes(everything, 'wasm', false));
    expect(files.map((f) => f.path)).toContain('onnx/decoder_model_merged_quantized.onnx');
    // 94,247,969 + 28,385,824 + 137,221,644 ONNX bytes plus 3,584,548 of configs and tokenizer.
    expect(bytes).toBe(94247969 + 28385824 + 137221644 + 7353 + 136 + 486 + 68 + 3548256 + 28249);
    expect(files.filter((f) => f.path.endsWith('.onnx')).every((f) => f.sha256?.length === 64)).toBe(true);
  });

  it('loads a curated model from our origin when the origin serves it, and adds origin-only models', () => {
    const listing = parseOriginIndex({
      models: [
        { id: 'SmolVLM-256M-Instruct', files: [{ path: 'config.json', size: 1 }] },
        { id: 'SmolVLM-test-tiny', name: 'Tiny', files: [{ path: 'onnx/decoder_model_merged.onnx', size: 5 }] },
        { id: '../evil', files: [] },
        'junk',
      ],
    });
    expect(listing.map((l) => l.id)).toEqual(['SmolVLM-256M-Instruct', 'SmolVLM-test-tiny']);
    const merged = mergeRegistry(listing);
    expect(merged.find((m) => m.id === 'SmolVLM-256M-Instruct')?.source).toEqual({ kind: 'origin', baseUrl: '/models/SmolVLM-256M-Instruct/' });
    expect(merged.find((m) => m.id === 'SmolVLM-500M-Instruct')?.source.kind).toBe('hub');
    expect(merged.find((m) => m.id === 'SmolVLM-test-tiny')?.name).toBe('Tiny');
    expect(parseOriginIndex(null)).toEqual([]);
  });

  it('lists the built-in model first where this origin serves it, and not at all where it does not', () => {
    const served = mergeRegistry(parseOriginIndex({ models: [{ id: 'SmolVLM-test-tiny', files: [] }, { id: 'shapes-demo', files: [{ path: 'config.json', size: 1 }] }] }));
    expect(served.map((m) => m.id)).toEqual([
      'shapes-demo',
      'SmolVLM-256M-Instruct',
      'SmolVLM-500M-Instruct',
      'SmolVLM-Instruct',
      'SmolVLM2-256M-Video-Instruct',
      'SmolVLM2-500M-Video-Instruct',
      'FastVLM-0.5B',
      'Florence-2-base-ft',
      'Florence-2-large-ft',
      'SmolVLM-test-tiny',
    ]);
    expect(served[0]).toMatchObject({ builtIn: true, details: ['low', 'auto'], source: { kind: 'origin', baseUrl: '/models/shapes-demo/' }, files: [{ path: 'config.json', size: 1 }] });
    expect(mergeRegistry([]).map((m) => m.id)).not.toContain('shapes-demo');
  });

  describe('planDevices', () => {
    const q8Only: Record<SessionName, Dtype[]> = { vision_encoder: ['q8'], embed_tokens: ['q8'], decoder_model_merged: ['q8'] };

    it('skips WebGPU with the reason when the model publishes nothing it runs and the backend is auto', () => {
      const { plans, skipped } = planDevices(q8Only, ['webgpu', 'wasm'], false, 'auto');
      expect(plans).toEqual([{ device: 'wasm', dtype: { vision_encoder: 'q8', embed_tokens: 'q8', decoder_model_merged: 'q8' } }]);
      expect(skipped).toMatch(/No published format of vision_encoder runs on webgpu without shader-f16 \(published: q8\)\. Running on the CPU instead\./);
    });

    it('keeps both devices in order when both run the model', () => {
      const { plans, skipped } = planDevices(everything, ['webgpu', 'wasm'], false, 'auto');
      expect(plans.map((plan) => plan.device)).toEqual(['webgpu', 'wasm']);
      expect(plans[0]!.dtype.decoder_model_merged).toBe('q4');
      expect(skipped).toBeUndefined();
    });

    it('stays an error when WebGPU was asked for, when a format was asked for, or when nothing is left to fall back to', () => {
      expect(() => planDevices(q8Only, ['webgpu'], false, 'webgpu')).toThrow(/No published format of vision_encoder runs on webgpu/);
      expect(() => planDevices(q8Only, ['webgpu', 'wasm'], false, 'auto', 'q8')).toThrow(/q8 does not run on webgpu/);
      expect(() => planDevices(q8Only, ['webgpu'], false, 'auto')).toThrow(/No published format/);
    });
  });
});

describe('families in the load plan', () => {
  it('a FastVLM model plans its own sessions and configs, and takes the family defaults when served from the origin', () => {
    const fastVlm = CURATED_MODELS.find((m) => m.id === 'FastVLM-0.5B')!;
    const onCpu = filesForDtypes(fastVlm, chooseDtypes(availableDtypes(fastVlm), 'wasm', false));
    expect(onCpu.files.map((f) => f.path).sort()).toEqual(
      [...CONFIG_FILES, 'onnx/decoder_model_merged_quantized.onnx', 'onnx/embed_tokens_quantized.onnx', 'onnx/vision_encoder_quantized.onnx'].sort(),
    );
    const served = mergeRegistry(parseOriginIndex({ models: [{ id: 'FastVLM-test-tiny', family: 'fastvlm', files: [] }] })).find((m) => m.id === 'FastVLM-test-tiny')!;
    expect(served).toMatchObject({ family: 'fastvlm', geometry: FAMILY_TRAITS.fastvlm.defaultGeometry, details: ['low'] });
    // An unknown family in the index is not trusted: the entry falls back to SmolVLM's.
    expect(parseOriginIndex({ models: [{ id: 'x', family: 'nope', files: [] }] })[0]!.family).toBeUndefined();
  });

  it("plans an encoder-decoder's four sessions and its own config files (Florence-2: no processor_config.json)", () => {
    const florence = CURATED_MODELS.find((m) => m.id === 'Florence-2-base-ft')!;
    const dtypes = chooseDtypes(availableDtypes(florence), 'wasm', false);
    expect(dtypes).toEqual({ vision_encoder: 'q8', embed_tokens: 'q8', encoder_model: 'q8', decoder_model_merged: 'q8' });
    const paths = filesForDtypes(florence, dtypes).files.map((f) => f.path);
    expect(paths).toContain('onnx/encoder_model_quantized.onnx');
    expect(paths).not.toContain('processor_config.json');
    expect(paths).toHaveLength(5 + 4);
    const onGpu = chooseDtypes(availableDtypes(florence), 'webgpu', true);
    expect(onGpu).toEqual({ vision_encoder: 'fp16', embed_tokens: 'fp16', encoder_model: 'fp16', decoder_model_merged: 'q4f16' });
  });

  it('chooses formats per session role, only for the sessions the model has, and names a session no family declares', () => {
    expect(() => chooseDtypes({ image_decoder: ['fp32'] }, 'wasm', false)).toThrow(/No family declares the session image_decoder/);
    expect(chooseDtypes({ decoder_model_merged: ['q4', 'q8'] }, 'wasm', false)).toEqual({ decoder_model_merged: 'q8' });
    const known = { vision_encoder: ['fp16', 'q8'], embed_tokens: ['fp16', 'q8'], decoder_model_merged: ['q4f16', 'q8'] } as const;
    expect(chooseDtypes(known, 'webgpu', true)).toEqual({ vision_encoder: 'fp16', embed_tokens: 'fp16', decoder_model_merged: 'q4f16' });
  });
});
