import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { visionConfigFromJson, visionFlopsPerFrame } from './vision-flops.ts';

/** SmolVLM-256M-Instruct's config.json, as far as the encoder's work goes (the bench model has the same). */
const SMOLVLM_256M = {
  scale_factor: 4,
  text_config: { hidden_size: 576 },
  vision_config: { image_size: 512, patch_size: 16, num_channels: 3, hidden_size: 768, intermediate_size: 3072, num_hidden_layers: 12 },
};

describe('visionFlopsPerFrame', () => {
  it('counts SmolVLM-256M: 1024 patches, 64 image tokens, ~215 GFLOP per 512 px frame', () => {
    const flops = visionFlopsPerFrame(visionConfigFromJson(SMOLVLM_256M)!);
    expect(flops.patches).toBe(1024);
    expect(flops.imageTokens).toBe(64);
    // Written out: 2·N·(3·16·16)·d; 12·4·2·N·d²; 12·2·2·N²·d; 12·2·2·N·d·4d; 2·64·(16·768)·576.
    expect(flops.patchEmbedding).toBe(2 * 1024 * 768 * 768);
    expect(flops.projections).toBe(12 * 8 * 1024 * 768 * 768);
    expect(flops.attention).toBe(12 * 4 * 1024 * 1024 * 768);
    expect(flops.mlp).toBe(12 * 4 * 1024 * 768 * 3072);
    expect(flops.connector).toBe(2 * 64 * 12288 * 576);
    expect(flops.total).toBe(flops.patchEmbedding + flops.projections + flops.attention + flops.mlp + flops.connector);
    expect(flops.total / 1e9).toBeCloseTo(214.7, 1);
    // Products with weights are the int8 part of a q8 file; attention stays fp32.
    expect(flops.weightProducts / flops.total).toBeCloseTo(0.82, 2);
  });

  it('reads the bench model and the built-in demo model from their config.json', () => {
    const demo = visionConfigFromJson(JSON.parse(readFileSync('public/models/shapes-demo/config.json', 'utf8')));
    expect(demo).toMatchObject({ imageSize: 512, patchSize: 32, hiddenSize: 96, layers: 2, scaleFactor: 2, textHiddenSize: 128 });
    expect(visionFlopsPerFrame(demo!).imageTokens).toBe(64);
  });

  it('is null for a config without a SigLIP vision tower', () => {
    expect(visionConfigFromJson({ model_type: 'florence2', vision_config: { model_type: 'davit' } })).toBeNull();
    expect(visionConfigFromJson(null)).toBeNull();
  });
});
