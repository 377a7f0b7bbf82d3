import type { ProgressInfo } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import type { LoadProgress } from '../protocol.ts';
import { LoadProgressTracker } from './load-progress.ts';

const progress = (file: string, loaded: number, total: number) => ({ status: 'progress', name: 'm', file, progress: 0, loaded, total }) as ProgressInfo;
const done = (file: string) => ({ status: 'done', name: 'm', file }) as ProgressInfo;

describe('LoadProgressTracker', () => {
  it('counts bytes per file against the planned total and says what happens', () => {
    const seen: LoadProgress[] = [];
    const expected = [
      { path: 'config.json', size: 100 },
      { path: 'onnx/vision_encoder.onnx', size: 1000 },
      { path: 'onnx/decoder_model_merged.onnx', size: 2000 },
    ];
    let time = 0;
    const tracker = new LoadProgressTracker(expected, 'webgpu', (update) => seen.push(update), () => (time += 100));
    tracker.report('Starting');
    expect(seen.at(-1)).toMatchObject({ phase: 'fetching', message: 'Starting', loadedBytes: 0, totalBytes: 3100 });

    tracker.callback(progress('config.json', 40, 100));
    tracker.callback(done('config.json'));
    expect(seen.at(-1)).toMatchObject({ phase: 'fetching', message: 'Loaded config.json', loadedBytes: 100 });
    tracker.callback(progress('onnx/vision_encoder.onnx', 600, 1000));
    expect(seen.at(-1)).toMatchObject({ message: 'Downloading vision_encoder.onnx', loadedBytes: 700 });
    // Reading the stored copy afterwards starts from 0 again: the bytes never go backwards.
    tracker.callback(progress('onnx/vision_encoder.onnx', 10, 1000));
    expect(seen.at(-1)!.loadedBytes).toBe(700);
    // A file the plan did not list still gets its row.
    tracker.callback(progress('tokenizer.json', 5, 50));
    expect(seen.at(-1)).toMatchObject({ loadedBytes: 705, totalBytes: 3150 });

    tracker.callback(done('onnx/vision_encoder.onnx'));
    tracker.callback(done('onnx/decoder_model_merged.onnx'));
    expect(seen.at(-1)).toMatchObject({ phase: 'creating-sessions', message: 'Compiling WebGPU shaders', loadedBytes: 3105 });
    expect(seen.at(-1)!.files.filter((file) => file.done).map((file) => file.file)).toEqual(['config.json', 'onnx/vision_encoder.onnx', 'onnx/decoder_model_merged.onnx']);
    // Each update is a snapshot, not a view of the tracker's rows.
    expect(seen[0]!.files[0]).toMatchObject({ loaded: 0, done: false });
  });

  it('sends byte counts at most every 100 ms, and a finished file or a new phase at once', () => {
    const seen: LoadProgress[] = [];
    let time = 0;
    const tracker = new LoadProgressTracker([{ path: 'onnx/decoder_model_merged.onnx', size: 1000 }], 'wasm', (update) => seen.push(update), () => time);
    // A chunk every 10 ms: one report per 100 ms, each with every byte counted so far.
    for (let loaded = 10; loaded <= 1000; loaded += 10, time += 10) tracker.callback(progress('onnx/decoder_model_merged.onnx', loaded, 1000));
    expect(seen.map((update) => update.loadedBytes)).toEqual([10, 110, 210, 310, 410, 510, 610, 710, 810, 910]);
    tracker.callback(done('onnx/decoder_model_merged.onnx'));
    expect(seen.at(-1)).toMatchObject({ phase: 'creating-sessions', loadedBytes: 1000 });
  });
});
