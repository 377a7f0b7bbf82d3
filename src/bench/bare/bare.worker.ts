/**
 * (b) transformers.js with nothing of the app around it: `AutoProcessor` + `AutoModelForImageTextToText`
 * and one `model.generate()` per question with a streamer, as transformers.js documents it. The
 * only additions are clocks: a timestamp per streamed token, the vision encoder's run time, and
 * the size of ONNX Runtime's WASM memory.
 */
import * as Comlink from 'comlink';
import {
  AutoModelForImageTextToText,
  AutoProcessor,
  BaseStreamer,
  env,
  RawImage,
  type PreTrainedModel,
  type Processor,
} from '@huggingface/transformers';
import type { DetailPlan } from '../core/types.ts';
import { closestTask, taskPrompt } from '../../../workers/models/florence2-tasks.ts';
import type { ModelFamilyId } from '../../../workers/protocol.ts';

// ONNX Runtime creates its WASM memory when the first session is made; keep a handle on it.
const wasmMemories: WebAssembly.Memory[] = [];
WebAssembly.Memory = new Proxy(WebAssembly.Memory, {
  construct(target, args: [WebAssembly.MemoryDescriptor]) {
    const memory = Reflect.construct(target, args) as WebAssembly.Memory;
    wasmMemories.push(memory);
    return memory;
  },
});

interface Session {
  run(feeds: unknown, options?: unknown): Promise<unknown>;
  inputMetadata?: readonly { name: string; isTensor: boolean; type?: string }[];
}
interface Loaded {
  model: PreTrainedModel & { sessions: Record<string, Session> };
  processor: Processor;
  visionMs: number;
  family: ModelFamilyId;
}

export type BareSource = { kind: 'origin'; baseUrl: string } | { kind: 'hub'; repo: string; revision: string };

export interface BareLoadOptions {
  source: BareSource;
  modelId: string;
  /** How its processor is called (each family's documented transformers.js usage). */
  family: ModelFamilyId;
  device: 'wasm' | 'webgpu';
  threads: number;
  dtype: Record<string, string>;
}

export interface BareAnswer {
  promptTokens: number;
  plan: DetailPlan;
  preprocessMs: number;
  visionEncodeMs: number;
  prefillMs: number;
  timeToFirstTokenMs: number;
  /** ms since the request, one per generated token. */
  tokenTimesMs: number[];
  tokenIds: number[];
}

let loaded: Loaded | null = null;

/** Calls `onToken` for every generated token (the first `put` is the prompt). */
class TimingStreamer extends BaseStreamer {
  private promptSeen = false;
  constructor(private readonly onToken: (id: number) => void) {
    super();
  }
  override put(value: bigint[][]): void {
    if (!this.promptSeen) {
      this.promptSeen = true;
      return;
    }
    this.onToken(Number(value[0]![0]));
  }
  override end(): void {}
}

type Inputs = Record<string, { dims: number[] }>;

/** What a person following each family's model card would pass to generate(). */
async function processorInputs({ processor, family }: Loaded, raw: RawImage, prompt: string, plan: DetailPlan): Promise<Inputs> {
  const call = processor as unknown as (...args: unknown[]) => Promise<Inputs>;
  if (family === 'fastvlm') {
    const text = processor.apply_chat_template([{ role: 'user', content: `<image>${prompt}` }] as never, { add_generation_prompt: true }) as string;
    return call(raw, text, { add_special_tokens: false });
  }
  if (family === 'florence2') {
    // A plain question becomes the task closest to it, as the app does.
    const { task, input } = closestTask(prompt);
    return call(raw, taskPrompt(task, input));
  }
  const messages = [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: prompt }] }];
  const text = processor.apply_chat_template(messages as never, { add_generation_prompt: true }) as string;
  const imageProcessor = (processor as unknown as { image_processor: { size: { longest_edge: number } } }).image_processor;
  const savedSize = imageProcessor.size;
  imageProcessor.size = { ...savedSize, longest_edge: plan.longestEdge };
  try {
    return await call(text, [raw], { do_image_splitting: plan.split });
  } finally {
    imageProcessor.size = savedSize;
  }
}

const api = {
  async load(options: BareLoadOptions): Promise<{ kvBytesPerPosition: number }> {
    const onnx = env.backends.onnx;
    const ortBase = new URL('/ort/', location.origin).href;
    if (onnx.wasm) {
      onnx.wasm.wasmPaths = { mjs: `${ortBase}ort-wasm-simd-threaded.asyncify.mjs`, wasm: `${ortBase}ort-wasm-simd-threaded.asyncify.wasm` };
      onnx.wasm.numThreads = crossOriginIsolated ? options.threads : 1;
    }
    env.allowLocalModels = false;
    env.allowRemoteModels = true;
    env.useBrowserCache = typeof caches !== 'undefined';
    let name: string;
    let revision = 'main';
    if (options.source.kind === 'origin') {
      env.remoteHost = new URL(options.source.baseUrl.replace(/[^/]+\/$/, ''), location.origin).href;
      env.remotePathTemplate = '{model}/';
      name = options.modelId;
    } else {
      env.remoteHost = 'https://huggingface.co/';
      env.remotePathTemplate = '{model}/resolve/{revision}/';
      name = options.source.repo;
      revision = options.source.revision;
    }
    const processor = await AutoProcessor.from_pretrained(name, { revision });
    const model = (await AutoModelForImageTextToText.from_pretrained(name, {
      revision,
      device: options.device,
      dtype: options.dtype as never,
    })) as Loaded['model'];
    const state: Loaded = { model, processor, visionMs: 0, family: options.family };
    const sessions = model.sessions as Record<string, Session>;
    const vision = sessions['vision_encoder']!;
    const run = vision.run.bind(vision);
    vision.run = async (feeds: unknown, runOptions?: unknown) => {
      const started = performance.now();
      try {
        return await run(feeds, runOptions);
      } finally {
        state.visionMs += performance.now() - started;
      }
    };
    loaded = state;

    // SmolVLM nests the decoder's config, FastVLM (llava_qwen2) does not, Florence-2 names it BART's way.
    const config = model.config as unknown as Record<string, number> & { text_config?: Record<string, number> };
    const text = config.text_config ?? config;
    const layers = text['num_hidden_layers'] ?? text['decoder_layers']!;
    const kvHeads = text['num_key_value_heads'] ?? text['decoder_attention_heads']!;
    const headDim = text['head_dim'] ?? (text['hidden_size'] ?? text['d_model']!) / (text['num_attention_heads'] ?? text['decoder_attention_heads']!);
    const pastType = sessions['decoder_model_merged']?.inputMetadata?.find((input) => input.name.startsWith('past_key_values'))?.type;
    const elementBytes = pastType === 'float16' ? 2 : 4;
    return { kvBytesPerPosition: 2 * layers * kvHeads * headDim * elementBytes };
  },

  async generate(image: Blob, prompt: string, plan: DetailPlan, maxNewTokens: number): Promise<BareAnswer> {
    if (!loaded) throw new Error('Load a model first.');
    const { model } = loaded;
    const started = performance.now();
    const raw = await RawImage.fromBlob(image);
    const inputs = await processorInputs(loaded, raw, prompt, plan);
    const preprocessed = performance.now();
    loaded.visionMs = 0;
    const tokenTimesMs: number[] = [];
    const tokenIds: number[] = [];
    // Florence-2's generation config forces its first token (<s>) and, at the length limit, the
    // last (</s>): neither is the model's choice, and the app feeds the first as prompt. Leave
    // both out so the answers compare token for token; the first chosen token is the TTFT.
    const forced = loaded.family === 'florence2' ? 1 : 0;
    let streamed = 0;
    const streamer = new TimingStreamer((id) => {
      if (streamed++ < forced || tokenIds.length >= maxNewTokens) return;
      tokenTimesMs.push(performance.now() - started);
      tokenIds.push(id);
    });
    await model.generate({ ...(inputs as object), max_new_tokens: maxNewTokens + 2 * forced, do_sample: false, streamer } as never);
    // SmolVLM's pixel_values are [batch, frames, 3, h, w]; the others' [batch, 3, h, w], one frame.
    const frames = loaded.family === 'smolvlm' ? inputs['pixel_values']!.dims[1]! : 1;
    const firstToken = tokenTimesMs[0] ?? Number.NaN;
    return {
      promptTokens: inputs['input_ids']!.dims.at(-1)!,
      plan: { ...plan, frames },
      preprocessMs: preprocessed - started,
      visionEncodeMs: loaded.visionMs,
      prefillMs: firstToken - (preprocessed - started) - loaded.visionMs,
      timeToFirstTokenMs: firstToken,
      tokenTimesMs,
      tokenIds,
    };
  },

  /** Largest WASM memory ONNX Runtime has grown to (bytes); 0 before a model is loaded. */
  wasmMemoryBytes(): number {
    return Math.max(0, ...wasmMemories.map((memory) => memory.buffer.byteLength));
  },

  async unload(): Promise<void> {
    await loaded?.model.dispose();
    loaded = null;
  },
};

export type BareWorkerApi = typeof api;
Comlink.expose(api);
