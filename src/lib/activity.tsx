/**
 * Signs of life while the model computes, drawn in steps. A CSS animation (even three fading dots)
 * makes Chromium's compositor draw a frame 60 times a second, and with no GPU that drawing takes
 * about 8% of a core, which ONNX Runtime's threads are using (docs/performance.md, "Issue 12,
 * session 8"). These change a few times a second from a timer, so a frame is drawn only then.
 * Under prefers-reduced-motion they hold still.
 */
import { useEffect, useState } from 'react';

function prefersReducedMotion(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}

/** A counter that goes up every `intervalMs` (0 under prefers-reduced-motion). */
export function useStep(intervalMs: number): number {
  const [step, setStep] = useState(0);
  useEffect(() => {
    if (prefersReducedMotion()) return;
    const timer = setInterval(() => setStep((current) => current + 1), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return step;
}

/** Three dots, one lit at a time: "working on it". */
export function TypingDots() {
  const lit = useStep(400) % 3;
  return (
    <span className="typing-dots" aria-hidden="true">
      {[0, 1, 2].map((dot) => (
        <i key={dot} className={dot === lit ? 'lit' : undefined} />
      ))}
    </span>
  );
}

/** A ring turning in twelve steps a second. */
export function Spinner() {
  const turn = (useStep(100) % 12) * 30;
  return <span className="spinner" aria-hidden="true" style={{ transform: `rotate(${turn}deg)` }} />;
}
