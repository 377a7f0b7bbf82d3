// @vitest-environment jsdom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MODEL_CACHE_HEADERS, MODEL_CACHE_NAME } from '../../workers/models/model-cache.ts';
import { ModelsStoragePanel } from './ModelsStoragePanel.tsx';
import { OfflineNotice } from './OfflineNotice.tsx';
import type { ApplyOutcome, PwaController, UpdateState } from './service-worker.ts';
import { UpdatePrompt } from './UpdatePrompt.tsx';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let container: HTMLDivElement;
let root: Root;
beforeEach(() => {
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
});
afterEach(() => {
  act(() => root.unmount());
  container.remove();
  vi.unstubAllGlobals();
});

const render = (element: React.ReactNode) => act(async () => root.render(element));
const button = (name: RegExp) => [...container.querySelectorAll('button')].find((candidate) => name.test(candidate.textContent ?? ''))!;
/** Lets effects and the promises they started settle. */
const settle = () => act(async () => new Promise((resolve) => setTimeout(resolve, 0)));

function fakeController(...outcomes: ApplyOutcome[]): PwaController & { set(state: UpdateState): void } {
  let state: UpdateState = { kind: 'current' };
  const listeners = new Set<(next: UpdateState) => void>();
  let calls = 0;
  return {
    state: () => state,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    applyUpdate: vi.fn(async () => outcomes[Math.min(calls++, outcomes.length - 1)]!),
    checkForUpdate: async () => undefined,
    set(next) {
      state = next;
      listeners.forEach((listener) => listener(next));
    },
  };
}

describe('UpdatePrompt', () => {
  it('appears when a version waits; Reload applies it', async () => {
    const pwa = fakeController('reloading');
    await render(<UpdatePrompt pwa={pwa} answering={false} />);
    expect(container.textContent).toBe('');
    await act(async () => pwa.set({ kind: 'available' }));
    expect(container.textContent).toBe('Update available.Reload');
    await act(async () => button(/^Reload$/).click());
    expect(pwa.applyUpdate).toHaveBeenCalledTimes(1);
    expect(button(/Reloading/).disabled).toBe(true);
  });

  it('during an answer, waits for it to finish and then applies the update', async () => {
    const pwa = fakeController('reloading');
    pwa.set({ kind: 'available' });
    await render(<UpdatePrompt pwa={pwa} answering />);
    await act(async () => button(/^Reload when the answer is finished$/).click());
    expect(pwa.applyUpdate).not.toHaveBeenCalled();
    expect(container.textContent).toContain('The page reloads when the answer is finished.');
    await render(<UpdatePrompt pwa={pwa} answering={false} />);
    expect(pwa.applyUpdate).toHaveBeenCalledTimes(1);
  });

  it("Don't reload takes the request back before the answer finishes", async () => {
    const pwa = fakeController('reloading');
    pwa.set({ kind: 'available' });
    await render(<UpdatePrompt pwa={pwa} answering />);
    await act(async () => button(/^Reload when the answer is finished$/).click());
    await act(async () => button(/^Don’t reload$/).click());
    await render(<UpdatePrompt pwa={pwa} answering={false} />);
    expect(pwa.applyUpdate).not.toHaveBeenCalled();
    expect(container.textContent).toBe('Update available.Reload');
  });

  it('asks again while the worker still reports the run the page saw end', async () => {
    const pwa = fakeController('busy', 'reloading');
    pwa.set({ kind: 'available' });
    await render(<UpdatePrompt pwa={pwa} answering={false} />);
    await act(async () => button(/^Reload$/).click());
    expect(pwa.applyUpdate).toHaveBeenCalledTimes(1);
    await act(async () => new Promise((resolve) => setTimeout(resolve, 400)));
    expect(pwa.applyUpdate).toHaveBeenCalledTimes(2);
  });
});

describe('OfflineNotice', () => {
  it('tells what to download when offline, and disappears online or once stored', async () => {
    let online = false;
    vi.spyOn(navigator, 'onLine', 'get').mockImplementation(() => online);
    await render(<OfflineNotice modelName="SmolVLM 256M" missingBytes={263_439_985} />);
    expect(container.textContent).toBe('You are offline. Connect to download SmolVLM 256M (263 MB).');
    online = true;
    await act(async () => window.dispatchEvent(new Event('online')));
    expect(container.textContent).toBe('');
    online = false;
    await act(async () => window.dispatchEvent(new Event('offline')));
    await render(<OfflineNotice modelName="SmolVLM 256M" missingBytes={0} />);
    expect(container.textContent).toBe('');
  });

  it('believes a download that reached no server over navigator.onLine', async () => {
    vi.spyOn(navigator, 'onLine', 'get').mockImplementation(() => true);
    await render(<OfflineNotice modelName="SmolVLM 256M" missingBytes={263_439_985} />);
    expect(container.textContent).toBe('');
    await render(<OfflineNotice modelName="SmolVLM 256M" missingBytes={263_439_985} unreachable />);
    expect(container.textContent).toBe('You are offline. Connect to download SmolVLM 256M (263 MB).');
  });
});

describe('ModelsStoragePanel', () => {
  function storedFile(model: string, name: string, file: string, bytes: number): [string, Response] {
    return [
      `https://example.test/${model}/${file}`,
      new Response(null, {
        headers: {
          'content-length': String(bytes),
          [MODEL_CACHE_HEADERS.modelId]: model,
          [MODEL_CACHE_HEADERS.modelName]: encodeURIComponent(name),
          [MODEL_CACHE_HEADERS.file]: encodeURIComponent(file),
          [MODEL_CACHE_HEADERS.sha256]: 'a'.repeat(64),
        },
      }),
    ];
  }

  it('lists stored models with their size, deletes one, shows the quota and asks for persistence', async () => {
    const entries = new Map<string, Response>([
      storedFile('SmolVLM-256M-Instruct', 'SmolVLM 256M', 'onnx/decoder_model_merged_quantized.onnx', 137_221_644),
      storedFile('SmolVLM-256M-Instruct', 'SmolVLM 256M', 'config.json', 7353),
      storedFile('SmolVLM-test-tiny', 'Test model', 'onnx/decoder_model_merged.onnx', 473_990),
    ]);
    entries.set('https://example.test/tiny/chat_template.jinja', new Response(null, { status: 404, headers: { [MODEL_CACHE_HEADERS.missing]: '1', [MODEL_CACHE_HEADERS.modelId]: 'SmolVLM-test-tiny' } }));
    const cache = {
      keys: async () => [...entries.keys()].map((url) => new Request(url)),
      match: async (request: Request) => entries.get(request.url)?.clone(),
      delete: async (request: Request) => entries.delete(request.url),
    };
    const open = vi.fn(async (_name: string) => cache);
    vi.stubGlobal('caches', { open });
    let persisted = false;
    const persist = vi.fn(async () => (persisted = true));
    Object.defineProperty(navigator, 'storage', {
      configurable: true,
      value: { estimate: async () => ({ usage: 165_000_000, quota: 2_000_000_000 }), persisted: async () => persisted, persist },
    });
    const onDeleted = vi.fn();

    await render(<ModelsStoragePanel loadedModelId="SmolVLM-test-tiny" onDeleted={onDeleted} />);
    await settle();
    expect(open).toHaveBeenCalledWith(MODEL_CACHE_NAME);
    const items = [...container.querySelectorAll('li')].map((item) => item.textContent);
    expect(items).toEqual([
      'SmolVLM 256M 137 MB Delete',
      'Test model 474 kB (in use; stays loaded until you reload) Delete',
    ]);
    expect(container.textContent).toContain('This site uses 165 MB of the 2.00 GB the browser grants it.');

    await act(async () => container.querySelector<HTMLButtonElement>('button[aria-label="Delete SmolVLM 256M"]')!.click());
    await settle();
    expect(onDeleted).toHaveBeenCalledWith('SmolVLM-256M-Instruct');
    expect([...entries.keys()].some((url) => url.includes('SmolVLM-256M-Instruct'))).toBe(false);
    expect(container.querySelectorAll('li')).toHaveLength(1);

    await act(async () => button(/Keep storage persistent/).click());
    await settle();
    expect(persist).toHaveBeenCalled();
    expect(container.textContent).toContain('Storage is persistent');
    expect(container.textContent).toContain('The browser will keep downloaded models unless you delete them.');
  });

  it('says why models are not saved where the browser refuses storage', async () => {
    vi.stubGlobal('caches', { open: async () => Promise.reject(new DOMException('The operation is insecure.', 'SecurityError')) });
    Object.defineProperty(navigator, 'storage', { configurable: true, value: undefined });
    await render(<ModelsStoragePanel />);
    await settle();
    expect(container.textContent).toContain('Models are not saved on this device: The browser refuses storage here (The operation is insecure.)');
    expect(container.textContent).toContain('No model is downloaded yet.');
  });
});
