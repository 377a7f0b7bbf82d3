/**
 * One model load's progress as the page shows it: transformers.js (and the verified store behind
 * it) report bytes per file; this keeps a row per file, seeded with the files the load plan
 * expects so the total is known from the start, and says what is happening in one line. Pure:
 * every family's load goes through it, and it is unit tested without a model.
 */
import type { ProgressInfo } from '@huggingface/transformers';
import type { Device, FileProgress, LoadProgress } from '../protocol.ts';

/**
 * Byte counts reach the page at most this often. A download arrives in thousands of chunks, each
 * a progress event; sent one by one, each was a message to the page and a redraw there, competing
 * with the load for the CPU (docs/performance.md, issue 12 session 9). A file done and a new phase
 * are sent at once.
 */
export const BYTES_REPORT_INTERVAL_MS = 100;

export class LoadProgressTracker {
  private readonly files: Map<string, FileProgress>;
  private phase: LoadProgress['phase'] = 'fetching';
  private lastBytesReport = -Infinity;

  constructor(
    expected: readonly { path: string; size: number }[],
    private readonly device: Device,
    private readonly onProgress: (progress: LoadProgress) => void,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.files = new Map(expected.map((file) => [file.path, { file: file.path, loaded: 0, total: file.size, done: false }]));
  }

  /** transformers.js' `progress_callback`. */
  readonly callback = (info: ProgressInfo): void => {
    if (info.status !== 'progress' && info.status !== 'done') return;
    const file = this.files.get(info.file) ?? { file: info.file, loaded: 0, total: 0, done: false };
    this.files.set(info.file, file);
    if (info.status === 'progress') {
      // The verified store reports the download, then transformers.js reports reading the stored copy.
      file.loaded = Math.max(file.loaded, info.loaded);
      if (info.total > 0) file.total = info.total;
      const time = this.now();
      if (time - this.lastBytesReport < BYTES_REPORT_INTERVAL_MS) return;
      this.lastBytesReport = time;
      this.report(`Downloading ${info.file.replace(/^onnx\//, '')}`);
      return;
    }
    file.done = true;
    file.loaded = Math.max(file.loaded, file.total);
    const sessionsPending = [...this.files.values()].some((entry) => !entry.done && entry.file.endsWith('.onnx'));
    if (sessionsPending) {
      this.report(`Loaded ${info.file}`);
      return;
    }
    this.phase = 'creating-sessions';
    this.report(this.device === 'webgpu' ? 'Compiling WebGPU shaders' : 'Preparing the WASM runtime');
  };

  /** Sends the current state with a line a person reads. */
  report(message: string): void {
    const files = [...this.files.values()].map((file) => ({ ...file }));
    this.onProgress({
      phase: this.phase,
      message,
      files,
      loadedBytes: files.reduce((sum, file) => sum + (file.done ? Math.max(file.loaded, file.total) : file.loaded), 0),
      totalBytes: files.reduce((sum, file) => sum + file.total, 0),
    });
  }
}
