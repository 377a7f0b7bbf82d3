import { describe, expect, it } from 'vitest';
import { webLocks } from './locks.ts';

const securityError = () => Object.assign(new Error('The request was denied.'), { name: 'SecurityError' });

describe('webLocks', () => {
  it('falls back to a local lock where Web Locks are refused (a third-party frame without storage access)', async () => {
    const refusing = { request: () => Promise.reject(securityError()) } as unknown as LockManager;
    await expect(webLocks(refusing).run('https://x/model.onnx', 'shared', async () => 42)).resolves.toBe(42);
  });

  it('never runs a task twice: a SecurityError from the task itself is the task’s', async () => {
    const granting = { request: (_name: string, _options: unknown, task: () => Promise<unknown>) => task() } as unknown as LockManager;
    let runs = 0;
    const task = async () => {
      runs += 1;
      throw securityError();
    };
    await expect(webLocks(granting).run('https://x/model.onnx', 'exclusive', task)).rejects.toThrow('denied');
    expect(runs).toBe(1);
  });
});
