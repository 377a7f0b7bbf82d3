/**
 * Florence-2 in the chat, as a person uses it, against the real worker and the generated
 * Florence-2-format model: the task picker next to the composer, an object-detection answer
 * whose boxes are drawn over a wide image (letterboxed in its frame), highlighted from the
 * legend, hidden and shown again, and exported as JSON (original pixels) and as a PNG; then a
 * plain question that becomes the closest task, shown on the answer.
 */
import { readFile } from 'node:fs/promises';
import { expect, FLORENCE2_TEST_MODEL_ID, test, watchConsole } from './fixtures.ts';
import { answers, dropFiles, messageBox, openChat, pngFile, waitForAnswer } from './chat-helpers.ts';

interface DrawnRegion {
  box: number[];
  rect: { x: number; y: number; width: number; height: number };
}

test.describe('Florence-2 in the chat', () => {
  test('pick a task, see the boxes over the image at the right place, highlight, toggle, export', async ({ page }) => {
    const errors = watchConsole(page);
    // 20 answer tokens: the test model writes a label and eight location tokens (two boxes), twice, so four boxes.
    await openChat(page, { maxNewTokens: 20 }, { model: FLORENCE2_TEST_MODEL_ID });
    const picker = page.getByLabel('Task');
    await expect(picker).toBeVisible();
    await dropFiles(page, [await pngFile(page, 'street.png', { width: 640, height: 360, seed: 3 })]);
    await picker.selectOption({ label: 'Find objects' });
    await page.getByRole('button', { name: 'Send' }).click();
    const answer = await waitForAnswer(page);
    await expect(answer.getByText('Task: Find objects')).toBeVisible();

    const overlay = answer.getByRole('figure', { name: 'Regions in the image' });
    await expect(overlay).toBeVisible();
    const regions = overlay.locator('g.region');
    await expect(regions).toHaveCount(4);

    // Where each box is drawn, against the frame the picture is fitted into (object-fit: contain).
    const drawn = await overlay.evaluate((figure) => {
      const frame = figure.querySelector('.region-frame')!.getBoundingClientRect();
      const groups = [...figure.querySelectorAll('g.region')];
      return {
        frame: { width: frame.width, height: frame.height },
        regions: groups.map((group) => {
          const shape = group.querySelector('rect')!;
          return {
            box: group.getAttribute('data-box')!.split(',').map(Number),
            rect: { x: shape.x.baseVal.value, y: shape.y.baseVal.value, width: shape.width.baseVal.value, height: shape.height.baseVal.value },
          };
        }) as DrawnRegion[],
      };
    });
    const scale = Math.min(drawn.frame.width / 640, drawn.frame.height / 360);
    const offsetX = (drawn.frame.width - 640 * scale) / 2;
    const offsetY = (drawn.frame.height - 360 * scale) / 2;
    // The frame's shape differs from the picture's: it is letterboxed on one side.
    expect(Math.max(offsetX, offsetY)).toBeGreaterThan(1);
    for (const { box, rect } of drawn.regions) {
      const [left, top, right, bottom] = box as [number, number, number, number];
      expect(left).toBeGreaterThanOrEqual(0);
      expect(right).toBeLessThanOrEqual(640);
      expect(bottom).toBeLessThanOrEqual(360);
      expect(left).toBeLessThanOrEqual(right);
      expect(rect.x).toBeCloseTo(offsetX + left * scale, 3);
      expect(rect.y).toBeCloseTo(offsetY + top * scale, 3);
      expect(rect.width).toBeCloseTo((right - left) * scale, 3);
      expect(rect.height).toBeCloseTo((bottom - top) * scale, 3);
    }

    // Hovering a label highlights its box; the toggle hides and shows them all.
    const legend = overlay.getByRole('list', { name: 'Labels' }).getByRole('button');
    const firstLabel = (await regions.first().getAttribute('data-label')) ?? '';
    await legend.first().hover();
    await expect(regions.first()).toHaveClass(/highlighted/);
    expect((await legend.first().innerText()).startsWith(firstLabel || '(no label)')).toBe(true);
    await overlay.getByLabel('Boxes').uncheck();
    await expect(regions).toHaveCount(0);
    await overlay.getByLabel('Boxes').check();
    await expect(regions).toHaveCount(4);

    // JSON: the regions in the original image's pixels.
    const [jsonDownload] = await Promise.all([page.waitForEvent('download'), overlay.getByRole('button', { name: 'Export JSON' }).click()]);
    expect(jsonDownload.suggestedFilename()).toBe('street-regions.json');
    const exported = JSON.parse(await readFile((await jsonDownload.path())!, 'utf8')) as { task: string; image: { width: number; height: number }; regions: { box: number[] }[] };
    expect(exported.task).toBe('<OD>');
    expect(exported.image).toEqual({ width: 640, height: 360 });
    expect(exported.regions.map((region) => region.box)).toEqual(drawn.regions.map((region) => region.box.map((value) => Math.round(value * 100) / 100)));

    // PNG: the picture at its own size with the boxes burned in.
    const [pngDownload] = await Promise.all([page.waitForEvent('download'), overlay.getByRole('button', { name: 'Export PNG' }).click()]);
    const png = await readFile((await pngDownload.path())!);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([640, 360]);

    // A plain question, with the picker back on "Closest to my question": the answer says which task it became.
    await picker.selectOption({ label: 'Closest to my question' });
    await messageBox(page).fill('Where is the dog?');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect(answers(page)).toHaveCount(2);
    const second = await waitForAnswer(page);
    await expect(second.getByText('Task: Find a phrase')).toBeVisible();
    await expect(second.getByRole('figure', { name: 'Regions in the image' }).locator('g.region')).toHaveCount(4);
    expect(errors).toEqual([]);
  });
});
