import * as Comlink from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import { installErrorTransfer } from './error-transfer.ts';
import {
  ContextOverflowError,
  describeError,
  errorFromInfo,
  GpuDeviceLostError,
  isModelFileError,
  ModelDownloadError,
  ModelLoadError,
  StorageQuotaError,
  VlmError,
} from './errors.ts';
import type { ErrorInfo } from './protocol.ts';

const overflow = () =>
  new ContextOverflowError('This conversation is 2300 tokens (2176 of them image tokens) and Tiny reads at most 2048.', {
    promptTokens: 2300,
    imageTokens: 2176,
    contextLength: 2048,
  });

describe('named errors', () => {
  it('describe themselves as data with their facts, and come back as the same class', () => {
    const info = describeError(overflow());
    expect(info).toEqual({ name: 'ContextOverflowError', message: expect.stringContaining('2300 tokens'), promptTokens: 2300, imageTokens: 2176, contextLength: 2048 });
    const rebuilt = errorFromInfo(info);
    expect(rebuilt).toBeInstanceOf(ContextOverflowError);
    expect((rebuilt as ContextOverflowError).facts).toEqual({ promptTokens: 2300, imageTokens: 2176, contextLength: 2048 });
    expect(rebuilt.message).toBe(info.message);
  });

  it('turn anything else into a plain Error with its message', () => {
    expect(describeError(new TypeError('bad'))).toEqual({ name: 'Error', message: 'bad' });
    expect(describeError('text')).toEqual({ name: 'Error', message: 'text' });
    const unknown = errorFromInfo({ name: 'NoSuchError', message: 'x' } as unknown as ErrorInfo);
    expect(unknown).not.toBeInstanceOf(VlmError);
    expect(unknown.message).toBe('x');
  });

  it('tell model file errors (not retried on another device) from other load errors', () => {
    const file = { modelId: 'm', file: 'onnx/a.onnx' };
    expect(isModelFileError(new ModelDownloadError('offline', { ...file, offline: true }))).toBe(true);
    expect(isModelFileError(new StorageQuotaError('full', { ...file, bytesNeeded: 10, bytesFree: 1 }))).toBe(true);
    expect(isModelFileError(new ModelLoadError('no', { modelId: 'm' }))).toBe(false);
    expect(isModelFileError(new GpuDeviceLostError('lost'))).toBe(false);
  });
});

describe('across a Comlink boundary', () => {
  const ports: MessagePort[] = [];
  afterEach(() => {
    for (const port of ports.splice(0)) port.close();
  });

  it('a thrown named error arrives as its class with its facts', async () => {
    installErrorTransfer();
    const { port1, port2 } = new MessageChannel();
    ports.push(port1, port2);
    Comlink.expose(
      {
        fail: () => {
          throw overflow();
        },
        failPlainly: () => {
          throw new RangeError('out of range');
        },
      },
      port2,
    );
    const remote = Comlink.wrap<{ fail(): void; failPlainly(): void }>(port1);
    const error = await remote.fail().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ContextOverflowError);
    expect((error as ContextOverflowError).facts.promptTokens).toBe(2300);
    expect((error as Error).name).toBe('ContextOverflowError');
    const plain = await remote.failPlainly().catch((caught: unknown) => caught);
    expect(plain).toBeInstanceOf(Error);
    expect((plain as Error).message).toBe('out of range');
    remote[Comlink.releaseProxy]();
  });
});
