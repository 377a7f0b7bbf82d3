/**
 * The model runtime in a real browser: the worker loads the generated SmolVLM-format model from
 * our origin through the same code path a Hub model takes, and runs it on WASM (project `wasm`)
 * or WebGPU on SwiftShader (project `webgpu`). Driven through the page's bridge (`window.vlm`).
 */
import { expect, test, watchConsole } from './fixtures.ts';
import { planImage } from '../workers/models/image-detail.ts';
import { IMAGE_DETAILS } from '../workers/protocol.ts';
import { nodeGreedyTokens, processorImageTokens } from './node-reference.ts';
import { greedy, installImageMaker, loadTestModel, type WindowWithImages } from './runtime-helpers.ts';

test.describe('model runtime @webgpu', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto('/');
    await installImageMaker(page);
  });

  test('loads the test model on the expected backend and streams an answer about an image', async ({ page, backend }) => {
    const errors = watchConsole(page);
    const caps = await page.evaluate(() => window.vlm.capabilities());
    expect(caps.crossOriginIsolated).toBe(true);
    if (backend === 'webgpu') expect(caps.webgpu.available).toBe(true);

    const { result, phases } = await loadTestModel(page, backend);
    expect(result.device).toBe(backend);
    expect(result.dtype).toEqual({ vision_encoder: 'fp32', embed_tokens: 'fp32', decoder_model_merged: 'fp32' });
    expect(result.contextLength).toBe(2048);
    expect(result.imageTokensPerFrame).toBe(64);
    expect(phases).toEqual(expect.arrayContaining(['fetching', 'ready']));
    // WebGPU warms up (compiles its shaders) before Ready; WASM's warm-up step runs after it.
    if (backend === 'webgpu') expect(phases).toContain('warming-up');
    else expect(phases).not.toContain('warming-up');
    if (backend === 'wasm') expect(result.wasmThreads).toBeGreaterThanOrEqual(1);

    const { result: answer, pieces } = await page.evaluate(async (options) => {
      const blob = await (window as unknown as WindowWithImages).testImage(1, 320, 240);
      const pieces: { text: string; tokens: number; at: number }[] = [];
      const result = await window.vlm.generate(
        [{ role: 'user', text: 'What is in this image?', images: [{ id: 'img-1', blob }] }],
        options,
        (piece, tokens) => pieces.push({ text: piece, tokens, at: performance.now() }),
      );
      return { result, pieces };
    }, greedy(24));
    expect(answer.finishReason).toBe('length');
    expect(answer.tokenIds).toHaveLength(24);
    expect(answer.text.length).toBeGreaterThan(0);
    // Streamed: several pieces (one per token while the page keeps up, batched when it is busy),
    // arriving over time, carrying every token and adding up to the answer, all before the result.
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.reduce((sum, piece) => sum + piece.tokens, 0)).toBe(24);
    expect(pieces.at(-1)!.at).toBeGreaterThan(pieces[0]!.at);
    expect(pieces.map((p) => p.text).join('').trimStart()).toBe(answer.text);
    expect(answer.timings.imageTokens).toBe(64);
    expect(answer.timings.imagesEncoded).toBe(1);
    expect(answer.timings.promptTokens).toBeGreaterThan(64);
    expect(answer.timings.timeToFirstTokenMs).toBeGreaterThan(0);
    expect(answer.timings.decodeTokensPerSecond).toBeGreaterThan(0);
    // Every console error counts: on WebGPU above all, where ORT and the GPU report their failures.
    expect(errors).toEqual([]);
  });

  test("image-token counts equal transformers.js' Idefics3 processor's for each detail", async ({ page, backend }) => {
    const sizes = [
      { width: 224, height: 224 },
      { width: 1024, height: 768 },
    ];
    await loadTestModel(page, backend);
    const counts = await page.evaluate(async (sizes) => {
      const make = (window as unknown as WindowWithImages).testImage;
      const images = await Promise.all(sizes.map(async ({ width, height }, index) => ({ id: `image-${index}`, blob: await make(index + 2, width, height) })));
      const out: Record<string, number[]> = {};
      for (const detail of ['low', 'auto', 'high'] as const) {
        const estimate = await window.vlm.estimate([{ role: 'user', text: 'Describe.', images }], detail);
        out[detail] = estimate.images.map((image) => image.tokens);
      }
      return out;
    }, sizes);
    // The reference: the processor itself, in Node, told to resize and split as each detail
    // decides on this device (the detail policy is ours; the arithmetic must be the processor's).
    for (const detail of IMAGE_DETAILS) {
      const reference = [];
      for (const { width, height } of sizes) reference.push(await processorImageTokens(width, height, planImage(width, height, detail, backend)));
      expect(counts[detail], `detail ${detail}`).toEqual(reference);
    }
    // What that comes to: auto never upscales (224 px -> 1 frame; 1024x768 -> 2x2 tiles + global);
    // high is the processor's default 2048 px edge (224 -> 4x4 + 1 frames; 1024x768 -> 4x3 + 1).
    expect(counts).toEqual({ low: [64, 64], auto: [64, 5 * 64], high: [17 * 64, 13 * 64] });
  });

  test('an aborted signal ends the run at once with finish reason stopped and keeps the partial text', async ({ page, backend }) => {
    await loadTestModel(page, backend);
    const outcome = await page.evaluate(async (options) => {
      const stop = new AbortController();
      let pieces = 0;
      const run = window.vlm.generate(
        [{ role: 'user', text: 'Tell me a long story.' }],
        options,
        () => {
          // The first piece: later pieces may each carry several tokens (the worker batches text
          // while the page is busy), so only the first tells how far decoding had got.
          if (++pieces === 1) stop.abort();
        },
        { signal: stop.signal },
      );
      const result = await run;
      // The runtime is free again: a second question works.
      const next = await window.vlm.generate([{ role: 'user', text: 'And another?' }], { ...options, maxNewTokens: 3 }, () => undefined);
      return { result, next: next.finishReason };
    }, greedy(300));
    expect(outcome.result.finishReason).toBe('stopped');
    expect(outcome.result.text.length).toBeGreaterThan(0);
    // Stopped within a couple of tokens of the request, far before the 300-token limit.
    expect(outcome.result.tokenIds.length).toBeLessThan(12);
    expect(outcome.next).toBe('length');
  });

  test('an abort before the call reaches the worker stops it with nothing sent; the same question then runs', async ({ page, backend }) => {
    await loadTestModel(page, backend);
    const outcome = await page.evaluate(async (options) => {
      const blob = await (window as unknown as WindowWithImages).testImage(6, 640, 480);
      const conversation = [{ role: 'user' as const, text: 'Describe this.', images: [{ id: 'early', blob }] }];
      const pieces: string[] = [];
      // Aborted while the page still prepares the image: nothing is posted.
      const stop = new AbortController();
      const stopped = window.vlm.generate(conversation, options, (piece) => pieces.push(piece), { signal: stop.signal });
      stop.abort();
      const result = await stopped;
      const status = await window.vlm.status();
      // The image never reached the worker, so this call sends it.
      const next = await window.vlm.generate(conversation, { ...options, maxNewTokens: 3 }, () => undefined);
      return { result, pieces, status, next };
    }, greedy(300));
    expect(outcome.result.finishReason).toBe('stopped');
    expect(outcome.result.tokenIds).toEqual([]);
    expect(outcome.pieces).toEqual([]);
    expect(outcome.status.running).toBe(false);
    expect(outcome.status.imagesKept).not.toContain('early');
    expect(outcome.next.finishReason).toBe('length');
    expect(outcome.next.timings.imagesEncoded).toBe(1);
  });

  test('a second generate while one runs is refused clearly, the first completes', async ({ page, backend }) => {
    await loadTestModel(page, backend);
    const outcome = await page.evaluate(async (options) => {
      const first = window.vlm.generate([{ role: 'user', text: 'First question' }], options, () => undefined);
      const second = await window.vlm.generate([{ role: 'user', text: 'Second question' }], options, () => undefined).then(
        () => 'accepted',
        (error: Error) => `${error.name}: ${error.message}`,
      );
      return { second, first: (await first).finishReason };
    }, greedy(30));
    expect(outcome.second).toMatch(/^GenerationBusyError: A generation is already running/);
    expect(outcome.first).toBe('length');
  });

  test('text-only turns work, and an oversize conversation gets an error naming both numbers', async ({ page, backend }) => {
    await loadTestModel(page, backend);
    const textOnly = await page.evaluate((options) => window.vlm.generate([{ role: 'user', text: 'Hello there, how are you?' }], options, () => undefined), greedy(8));
    expect(textOnly.finishReason).toBe('length');
    expect(textOnly.timings.imageTokens).toBe(0);
    expect(textOnly.tokenIds).toHaveLength(8);

    const overflow = await page.evaluate(async (options) => {
      const long = 'The quick brown fox jumps over the lazy dog. '.repeat(400);
      return window.vlm.generate([{ role: 'user', text: long }], options, () => undefined).then(
        () => ({ text: 'accepted', facts: null }),
        (error: Error & { facts?: { promptTokens: number; imageTokens: number; contextLength: number } }) => ({ text: `${error.name}: ${error.message}`, facts: error.facts ?? null }),
      );
    }, greedy(8));
    expect(overflow.text).toMatch(/^ContextOverflowError: This conversation is \d+ tokens .* reads at most 2048\./);
    // The counts arrive as typed fields, not only inside the message.
    expect(overflow.facts).toMatchObject({ imageTokens: 0, contextLength: 2048 });
    expect(overflow.facts!.promptTokens).toBeGreaterThan(2048);
    expect(overflow.text).toContain(`is ${overflow.facts!.promptTokens} tokens`);
    // Nothing crashed: the same runtime still answers.
    const after = await page.evaluate((options) => window.vlm.generate([{ role: 'user', text: 'Short one.' }], options, () => undefined), greedy(4));
    expect(after.finishReason).toBe('length');
  });

  test('a follow-up reuses the KV cache (no re-encoding) and gives the same tokens as without reuse', async ({ page, backend }, testInfo) => {
    await loadTestModel(page, backend);
    const outcome = await page.evaluate(async (options) => {
      const blob = await (window as unknown as WindowWithImages).testImage(4, 640, 480);
      const image = { id: 'photo', blob };
      const first = await window.vlm.generate([{ role: 'user', text: 'What is this?', images: [image] }], options, () => undefined);
      const followUp = [
        { role: 'user' as const, text: 'What is this?', images: [image] },
        { role: 'assistant' as const, text: first.text },
        { role: 'user' as const, text: 'What colour is it?' },
      ];
      const withReuse = await window.vlm.generate(followUp, options, () => undefined);
      const cachedAfter = (await window.vlm.status()).cachedTokens;
      await window.vlm.reset();
      const withoutReuse = await window.vlm.generate(followUp, options, () => undefined);
      return { first, withReuse, withoutReuse, cachedAfter };
    }, greedy(16, 'auto'));
    const { withReuse, withoutReuse } = outcome;
    expect(withReuse.timings.reusedPromptTokens).toBeGreaterThan(outcome.first.timings.promptTokens - 1);
    expect(withReuse.timings.imagesEncoded).toBe(0);
    expect(withoutReuse.timings.reusedPromptTokens).toBe(0);
    // The image's features outlive the reset (they are kept by content): the prefill runs anew on them.
    expect(withoutReuse.timings.imagesEncoded).toBe(0);
    expect(withReuse.timings.promptTokens).toBe(withoutReuse.timings.promptTokens);
    expect(withReuse.tokenIds).toEqual(withoutReuse.tokenIds);
    expect(outcome.cachedAfter).toBe(withReuse.timings.promptTokens + withReuse.tokenIds.length - 1);
    testInfo.annotations.push({
      type: 'second-turn TTFT',
      description: `${backend}: with KV reuse ${withReuse.timings.timeToFirstTokenMs.toFixed(0)} ms, without ${withoutReuse.timings.timeToFirstTokenMs.toFixed(0)} ms (prompt ${withReuse.timings.promptTokens} tokens, ${withReuse.timings.imageTokens} image tokens)`,
    });
    console.log(`[kv-reuse] ${testInfo.annotations.at(-1)!.description}`);
  });

  test('regenerate (same prompt again) reuses all but the last prompt token', async ({ page, backend }) => {
    await loadTestModel(page, backend);
    const outcome = await page.evaluate(async (options) => {
      const conversation = [{ role: 'user' as const, text: 'Describe a sunset.' }];
      const a = await window.vlm.generate(conversation, options, () => undefined);
      const b = await window.vlm.generate(conversation, options, () => undefined);
      return { a, b };
    }, greedy(10));
    expect(outcome.b.tokenIds).toEqual(outcome.a.tokenIds);
    expect(outcome.b.timings.reusedPromptTokens).toBe(outcome.a.timings.promptTokens - 1);
  });

  test('greedy tokens equal onnxruntime-node running the same files natively', async ({ page, backend }) => {
    await loadTestModel(page, backend);
    const browserTokens = await page.evaluate(async (options) => {
      const blob = await (window as unknown as WindowWithImages).testImage(7, 512, 512);
      const result = await window.vlm.generate([{ role: 'user', text: 'What is in this image?', images: [{ id: 'ref', blob }] }], options, () => undefined);
      return result.tokenIds;
    }, greedy(20));
    const nodeTokens = await nodeGreedyTokens('What is in this image?', 7, 512, 20);
    expect(browserTokens).toHaveLength(20);
    expect(browserTokens).toEqual(nodeTokens);
  });
});

test.describe('backend selection', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto('/');
    await installImageMaker(page);
  });

  test('without a GPU, auto falls back to WASM and says why; asking for WebGPU is refused', async ({ page, backend }) => {
    test.skip(backend !== 'wasm', 'this browser has no WebGPU adapter only in the wasm project');
    const caps = await page.evaluate(() => window.vlm.capabilities());
    test.skip(caps.webgpu.available, 'a WebGPU adapter is present');
    const forced = await page.evaluate((id) => window.vlm.load(id, { device: 'webgpu' }, () => undefined).then(() => 'loaded', (e: Error) => `${e.name}: ${e.message}`), 'SmolVLM-test-tiny');
    expect(forced).toMatch(/^WebGpuUnavailableError: /);
    const { result } = await loadTestModel(page, 'auto');
    expect(result.device).toBe('wasm');
    expect(result.fallbackReason).toMatch(/WebGPU|adapter/);
  });

  test('unload frees the model; generate afterwards says to load one', async ({ page }) => {
    await loadTestModel(page, 'wasm');
    const outcome = await page.evaluate(async () => {
      await window.vlm.unload();
      const status = await window.vlm.status();
      const generate = await window.vlm
        .generate([{ role: 'user', text: 'Hi' }], { maxNewTokens: 2, sampling: { kind: 'greedy' }, repetitionPenalty: 1, detail: 'low' }, () => undefined)
        .then(() => 'answered', (e: Error) => `${e.name}: ${e.message}`);
      return { loaded: status.loaded, generate };
    });
    expect(outcome.loaded).toBeNull();
    expect(outcome.generate).toBe('ModelNotLoadedError: No model is loaded yet. Load one first.');
  });

  test('an unknown model id is a clear error', async ({ page }) => {
    const message = await page.evaluate(() => window.vlm.load('No-Such-Model', {}, () => undefined).then(() => 'loaded', (e: Error) => `${e.name}: ${e.message}`));
    expect(message).toBe('ModelLoadError: Unknown model "No-Such-Model". Pick one from the list or add it to /models/index.json.');
  });

  test('WebGPU and WASM give the same greedy tokens; WebGPU reads back only the last logits row of a prefill @webgpu', async ({ page, backend }) => {
    test.skip(backend !== 'webgpu', 'needs the WebGPU project');
    const run = async () =>
      page.evaluate(async (options) => {
        const blob = await (window as unknown as WindowWithImages).testImage(5, 600, 400);
        const result = await window.vlm.generate([{ role: 'user', text: 'Describe the picture.', images: [{ id: 'x', blob }] }], options, () => undefined);
        return { tokenIds: result.tokenIds, promptTokens: result.timings.promptTokens, logitsBytesRead: result.timings.logitsBytesRead };
      }, greedy(20, 'auto'));
    expect((await loadTestModel(page, 'webgpu')).result.device).toBe('webgpu');
    const onGpu = await run();
    expect((await loadTestModel(page, 'wasm')).result.device).toBe('wasm');
    const onCpu = await run();
    expect(onGpu.tokenIds).toHaveLength(20);
    expect(onGpu.tokenIds).toEqual(onCpu.tokenIds);
    // WASM brings every prompt position's logits out of ONNX Runtime; one row is vocabulary × 4
    // bytes (fp32). WebGPU brings one row per decoder run of the prefill: two here, up to the end
    // of the image and then the question (the cut every prefill makes, engine.ts `#prefill`).
    expect(onCpu.logitsBytesRead % (onCpu.promptTokens * 4)).toBe(0);
    const rowBytes = onCpu.logitsBytesRead / onCpu.promptTokens;
    expect(onGpu.promptTokens).toBe(onCpu.promptTokens);
    expect(onGpu.logitsBytesRead).toBe(2 * rowBytes);
  });

  test('a GPU lost during generation ends that run with error and partial text; the next call works @webgpu', async ({ page, backend }) => {
    test.skip(backend !== 'webgpu', 'needs the WebGPU project');
    await loadTestModel(page, 'webgpu');
    const outcome = await page.evaluate(async (options) => {
      let pieces = 0;
      const result = await window.vlm.generate([{ role: 'user', text: 'Keep talking.' }], options, () => {
        if (++pieces === 3) void window.vlm.simulateGpuDeviceLoss();
      });
      const next = await window.vlm.generate([{ role: 'user', text: 'Are you back?' }], { ...options, maxNewTokens: 5 }, () => undefined);
      const status = await window.vlm.status();
      return { result, next, device: status.loaded?.device };
    }, greedy(200));
    expect(outcome.result.finishReason).toBe('error');
    expect(outcome.result.error?.name).toBe('GpuDeviceLostError');
    expect(outcome.result.text.length).toBeGreaterThan(0);
    expect(outcome.next.finishReason).toBe('length');
    // The bridge replaced the worker and reloaded on `auto`: a fresh GPU device, so WebGPU again.
    expect(outcome.device).toBe('webgpu');
  });
});
