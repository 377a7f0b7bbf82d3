/**
 * Lets queued messages (such as `interrupt()`) run between decoding steps. A WASM session run can
 * resolve through microtasks alone, so without a real task boundary the worker would not see an
 * interrupt until the whole answer was done. A MessageChannel round trip is a task boundary that,
 * unlike nested setTimeout(0), is not clamped to 4 ms.
 */
const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();

export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });
}
