/**
 * Helpers for the chat page tests: open the page on the test model with short answers, make real
 * image files (encoded by the browser) and bad ones (built byte by byte), and add them the ways a
 * person does: drop on the window, paste, or pick with the file chooser.
 */
import { crc32 } from 'node:zlib';
import type { Locator, Page } from '@playwright/test';
import { expect, TEST_MODEL_ID } from './fixtures.ts';

export interface FileSpec {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

export const SETTINGS_KEY = 'vlm-chat.settings.v1';

/** Opens the chat on a model (the test model by default) with the given settings, and waits until the model is ready. */
export async function openChat(page: Page, settings: Record<string, unknown> = {}, { waitForModel = true, model = TEST_MODEL_ID } = {}): Promise<void> {
  await presetSettings(page, settings);
  await page.goto(`/?model=${model}`);
  if (waitForModel) await waitForModelReady(page);
}

/** The settings the page finds on its first visit in this test (short answers, low detail, plus `settings`). */
export async function presetSettings(page: Page, settings: Record<string, unknown> = {}): Promise<void> {
  await page.addInitScript(
    ({ key, value }) => {
      // Only on the first visit of this test: a reload must see what the page saved itself.
      if (!sessionStorage.getItem('e2e-settings-applied')) {
        sessionStorage.setItem('e2e-settings-applied', '1');
        localStorage.setItem(key, JSON.stringify(value));
      }
    },
    { key: SETTINGS_KEY, value: { maxNewTokens: 24, detail: 'low', ...settings } },
  );
}

export async function waitForModelReady(page: Page): Promise<void> {
  await expect(page.locator('.app')).toHaveAttribute('data-runtime', 'ready', { timeout: 120_000 });
}

export const messageBox = (page: Page): Locator => page.getByRole('textbox', { name: 'Message' });
export const alertRegion = (page: Page): Locator => page.getByRole('alert');
export const answers = (page: Page): Locator => page.getByRole('article', { name: 'Assistant' });
export const questions = (page: Page): Locator => page.getByRole('article', { name: 'You' });
export const thumbnails = (page: Page): Locator => page.getByRole('list', { name: 'Images to send' }).getByRole('listitem');

/** Waits for the last answer to finish (no longer pending or streaming); returns it, pinned by position. */
export async function waitForAnswer(page: Page, timeout = 120_000): Promise<Locator> {
  await expect(answers(page).last()).toHaveAttribute('aria-busy', 'false', { timeout });
  return answers(page).nth((await answers(page).count()) - 1);
}

/**
 * Tags the answers on screen; a regenerated answer is a new element without the tag. (Watching
 * for its busy state instead would miss an answer the test model finishes within one poll.)
 */
export async function tagAnswers(page: Page): Promise<Locator> {
  await answers(page).evaluateAll((elements) => elements.forEach((element) => element.setAttribute('data-e2e-old', '')));
  return page.locator('article[aria-label="Assistant"][data-e2e-old]');
}

/** The number after a label in an answer's statistics ("Reused: 120 tokens" -> 120). */
export async function statOf(answer: Locator, label: string): Promise<number> {
  const row = answer.locator('.answer-stats > div').filter({ has: answer.page().getByRole('term').getByText(label, { exact: true }) });
  const value = await row.getByRole('definition').innerText();
  return Number(value.replace(/[^\d.]/g, ''));
}

/** A PNG (or JPEG/WebP) encoded by the browser from a deterministic pattern. */
export async function encodeImage(page: Page, { width = 320, height = 240, seed = 1, type = 'image/png' } = {}): Promise<Buffer> {
  const bytes = await page.evaluate(
    async ({ width, height, seed, type }) => {
      const canvas = new OffscreenCanvas(width, height);
      const context = canvas.getContext('2d')!;
      for (let y = 0; y < height; y += 16) {
        for (let x = 0; x < width; x += 16) {
          const v = (x * 7 + y * 13 + seed * 97) % 256;
          context.fillStyle = `rgb(${v}, ${(v * (seed + 3)) % 256}, ${255 - v})`;
          context.fillRect(x, y, 16, 16);
        }
      }
      const blob = await canvas.convertToBlob({ type, quality: 0.9 });
      return Array.from(new Uint8Array(await blob.arrayBuffer()));
    },
    { width, height, seed, type },
  );
  return Buffer.from(bytes);
}

export async function pngFile(page: Page, name: string, options: { width?: number; height?: number; seed?: number } = {}): Promise<FileSpec> {
  return { name, mimeType: 'image/png', buffer: await encodeImage(page, options) };
}

// --- Bad files, built byte by byte ---------------------------------------------------------

function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A well-formed PNG whose IHDR claims width x height: a decompression bomb's header. */
export function pngClaiming(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const idat = Buffer.from([0x78, 0x01, 0x01, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01]);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IDAT', idat), pngChunk('IEND', Buffer.alloc(0))]);
}

export const PDF_BYTES = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

/** A real (stored, uncompressed) ZIP archive holding one text file. */
export function zipBytes(): Buffer {
  const name = Buffer.from('notes.txt');
  const data = Buffer.from('not an image\n');
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(name.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + name.length, 12);
  end.writeUInt32LE(30 + name.length + data.length, 16);
  return Buffer.concat([local, name, data, central, name, end]);
}

export const SVG_BYTES = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><script>alert(1)</script><rect width="64" height="64" fill="red"/></svg>\n',
);

/** The opening boxes of an iPhone HEIC photo: ftyp (heic, mif1) and meta with an ispe of 4032x3024. */
export function heicBytes(): Buffer {
  const box = (type: string, ...parts: Buffer[]) => {
    const body = Buffer.concat(parts);
    const size = Buffer.alloc(4);
    size.writeUInt32BE(8 + body.length);
    return Buffer.concat([size, Buffer.from(type, 'latin1'), body]);
  };
  const u32 = (value: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(value);
    return b;
  };
  const ftyp = box('ftyp', Buffer.from('heic', 'latin1'), u32(0), Buffer.from('mif1heic', 'latin1'));
  const ispe = box('ispe', u32(0), u32(4032), u32(3024));
  const meta = box('meta', u32(0), box('iprp', box('ipco', ispe)));
  const mdat = box('mdat', Buffer.alloc(64, 0x5a));
  return Buffer.concat([ftyp, meta, mdat]);
}

// --- Ways to add files ---------------------------------------------------------------------

function serialize(files: FileSpec[]) {
  return files.map((file) => ({ name: file.name, type: file.mimeType, base64: file.buffer.toString('base64') }));
}

/** A real DataTransfer drop on the window: dragenter (the drop zone appears), dragover, drop. */
export async function dropFiles(page: Page, files: FileSpec[]): Promise<void> {
  const dataTransfer = await page.evaluateHandle((items) => {
    const transfer = new DataTransfer();
    for (const item of items) {
      const bytes = Uint8Array.from(atob(item.base64), (char) => char.charCodeAt(0));
      transfer.items.add(new File([bytes], item.name, { type: item.type }));
    }
    return transfer;
  }, serialize(files));
  const target = page.locator('main');
  await target.dispatchEvent('dragenter', { dataTransfer });
  await expect(page.getByText('Drop images to add them')).toBeVisible();
  await target.dispatchEvent('dragover', { dataTransfer });
  await target.dispatchEvent('drop', { dataTransfer });
  await expect(page.getByText('Drop images to add them')).toBeHidden();
  await dataTransfer.dispose();
}

/** A paste into the message box whose clipboard holds the files (as a screenshot tool leaves it). */
export async function pasteFiles(page: Page, files: FileSpec[]): Promise<void> {
  await messageBox(page).evaluate((element, items) => {
    const transfer = new DataTransfer();
    for (const item of items) {
      const bytes = Uint8Array.from(atob(item.base64), (char) => char.charCodeAt(0));
      transfer.items.add(new File([bytes], item.name, { type: item.type }));
    }
    element.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }));
  }, serialize(files));
}

/** Picks files with "Add image" and the browser's file chooser. */
export async function pickFiles(page: Page, files: FileSpec[]): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Add image' }).click();
  await (await chooser).setFiles(files);
}

/**
 * Records the streamed answer's text length at each DOM change, so a test can tell streaming
 * (many growing lengths over time) from an answer that appeared at once.
 */
export async function recordStreaming(page: Page): Promise<() => Promise<{ at: number; length: number }[]>> {
  await page.evaluate(() => {
    const samples: { at: number; length: number }[] = [];
    (window as unknown as { streamSamples: typeof samples }).streamSamples = samples;
    const observer = new MutationObserver(() => {
      const last = [...document.querySelectorAll('article[aria-label="Assistant"] .answer-body .markdown')].at(-1);
      const length = last?.textContent?.length ?? 0;
      if (samples.at(-1)?.length !== length) samples.push({ at: performance.now(), length });
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  return () => page.evaluate(() => (window as unknown as { streamSamples: { at: number; length: number }[] }).streamSamples);
}

/** Presses Tab until the element has focus (keyboard-only navigation). */
export async function tabTo(page: Page, target: Locator, maxPresses = 60): Promise<void> {
  for (let i = 0; i < maxPresses; i++) {
    if (await target.evaluate((element) => element === document.activeElement).catch(() => false)) return;
    await page.keyboard.press('Tab');
  }
  await expect(target).toBeFocused();
}

/** Types the question, presses Enter and returns the finished answer's text. */
export async function ask(page: Page, question: string): Promise<string> {
  const before = await answers(page).count();
  await messageBox(page).fill(question);
  await messageBox(page).press('Enter');
  await expect(answers(page)).toHaveCount(before + 1);
  const answer = await waitForAnswer(page);
  return (await answer.locator('.answer-body').innerText()).trim();
}

export async function newChat(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'New chat' }).click();
  await expect(answers(page)).toHaveCount(0);
}
