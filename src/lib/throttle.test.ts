import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Throttle } from './throttle.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Throttle', () => {
  it('runs the first request at once and folds the ones within the interval into one run at its end', () => {
    const task = vi.fn();
    const throttle = new Throttle(1000);
    throttle.request(task);
    expect(task).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(300);
    throttle.request(task);
    throttle.request(task);
    expect(task).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(699);
    expect(task).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(task).toHaveBeenCalledTimes(2);
    // A steady stream of requests: one run a second.
    for (let ms = 0; ms < 3000; ms += 50) {
      throttle.request(task);
      vi.advanceTimersByTime(50);
    }
    expect(task).toHaveBeenCalledTimes(5);
  });

  it('runs the latest waiting task on flush, and nothing when none waits; cancel drops it', () => {
    const task = vi.fn();
    const throttle = new Throttle(1000);
    throttle.flush();
    expect(task).not.toHaveBeenCalled();
    throttle.request(task);
    const latest = vi.fn();
    throttle.request(latest);
    throttle.flush();
    expect(task).toHaveBeenCalledTimes(1);
    expect(latest).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(5000);
    expect(task).toHaveBeenCalledTimes(1);
    throttle.request(task);
    throttle.request(task);
    throttle.cancel();
    vi.advanceTimersByTime(5000);
    expect(task).toHaveBeenCalledTimes(2);
  });
});
