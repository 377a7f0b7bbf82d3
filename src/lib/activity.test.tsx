// @vitest-environment jsdom
/** The stepped signs of life: they change on a timer, hold still under reduced motion, and stop with their element. */
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Spinner, TypingDots } from './activity.tsx';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let root: Root;
let host: HTMLElement;

function reducedMotion(reduce: boolean): void {
  vi.stubGlobal('matchMedia', (query: string) => ({ matches: reduce && query.includes('prefers-reduced-motion: reduce') }));
}

beforeEach(() => {
  vi.useFakeTimers();
  host = document.createElement('div');
  root = createRoot(host);
});

afterEach(() => {
  act(() => root.unmount());
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const litDot = () => [...host.querySelectorAll('.typing-dots i')].findIndex((dot) => dot.classList.contains('lit'));
const turn = () => (host.querySelector('.spinner') as HTMLElement).style.transform;

describe('stepped activity indicators', () => {
  it('light one dot at a time, moving on every 400 ms', () => {
    reducedMotion(false);
    act(() => root.render(<TypingDots />));
    expect(host.querySelectorAll('.typing-dots i')).toHaveLength(3);
    const seen = [litDot()];
    for (let i = 0; i < 3; i++) {
      act(() => vi.advanceTimersByTime(400));
      seen.push(litDot());
    }
    expect(seen).toEqual([0, 1, 2, 0]);
  });

  it('turn the spinner 30 degrees every 100 ms, and nothing in between', () => {
    reducedMotion(false);
    act(() => root.render(<Spinner />));
    expect(turn()).toBe('rotate(0deg)');
    act(() => vi.advanceTimersByTime(99));
    expect(turn()).toBe('rotate(0deg)');
    act(() => vi.advanceTimersByTime(1));
    expect(turn()).toBe('rotate(30deg)');
    act(() => vi.advanceTimersByTime(1100));
    expect(turn()).toBe('rotate(0deg)');
  });

  it('hold still under prefers-reduced-motion', () => {
    reducedMotion(true);
    act(() => root.render(<><TypingDots /><Spinner /></>));
    act(() => vi.advanceTimersByTime(5_000));
    expect(litDot()).toBe(0);
    expect(turn()).toBe('rotate(0deg)');
  });

  it('stop their timer when they leave the page', () => {
    reducedMotion(false);
    act(() => root.render(<TypingDots />));
    expect(vi.getTimerCount()).toBe(1);
    act(() => root.render(<p />));
    expect(vi.getTimerCount()).toBe(0);
  });
});
