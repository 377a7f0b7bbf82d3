/**
 * Florence-2's region tasks and OCR text in the chat, as a person uses them, against the real
 * worker and the generated Florence-2-format model: a region dragged with the mouse over a
 * letterboxed picture (redrawn, cleared, typed), sent, and shown on the question and with the
 * answer; a region task on an earlier image, typed from the keyboard; bad regions refused before
 * sending with the draft kept; and OCR with regions, whose lines are text a person can select
 * and copy, each tied to its quadrilateral.
 */
import { readFile } from 'node:fs/promises';
import type { Locator, Page } from '@playwright/test';
import { expect, FLORENCE2_TEST_MODEL_ID, test, watchConsole } from './fixtures.ts';
import { alertRegion, answers, dropFiles, messageBox, openChat, pngFile, questions, waitForAnswer } from './chat-helpers.ts';

const IMAGE = { width: 640, height: 360 };

const regionPicker = (page: Page) => page.getByRole('region', { name: 'Region to ask about' });
const drawingSurface = (page: Page) => regionPicker(page).getByRole('img', { name: /drag to draw the region/ });

/** Where the picture sits in a frame it is fitted into without cropping (object-fit: contain), measured on the page. */
async function pictureIn(frame: Locator) {
  const box = (await frame.boundingBox())!;
  const scale = Math.min(box.width / IMAGE.width, box.height / IMAGE.height);
  return { box, scale, offsetX: (box.width - IMAGE.width * scale) / 2, offsetY: (box.height - IMAGE.height * scale) / 2 };
}

/** Drags the mouse over the surface between two points given in the image's own pixels. */
async function dragOver(page: Page, from: [number, number], to: [number, number]) {
  const { box, scale, offsetX, offsetY } = await pictureIn(drawingSurface(page));
  const at = ([x, y]: [number, number]) => [box.x + offsetX + x * scale, box.y + offsetY + y * scale] as const;
  await page.mouse.move(...at(from));
  await page.mouse.down();
  await page.mouse.move(...at(to), { steps: 6 });
  await page.mouse.up();
  return { scale };
}

const numbersIn = (text: string) => text.trim().split(/\s+/).map(Number);

test.describe('Florence-2 regions and OCR text in the chat', () => {
  test('draw a region with the mouse, redraw and clear it, send it: the question shows it over its image, the answer comes with it', async ({ page }) => {
    const errors = watchConsole(page);
    await openChat(page, { maxNewTokens: 12 }, { model: FLORENCE2_TEST_MODEL_ID });
    await dropFiles(page, [await pngFile(page, 'street.png', { ...IMAGE, seed: 4 })]);
    await page.getByLabel('Task').selectOption({ label: 'Describe a region' });
    await expect(drawingSurface(page)).toBeVisible();
    // The frame's shape differs from the picture's: the picture is letterboxed in it.
    const fit = await pictureIn(drawingSurface(page));
    expect(Math.max(fit.offsetX, fit.offsetY)).toBeGreaterThan(1);
    // One screen pixel is this many image pixels, plus rounding to whole pixels.
    const tolerance = 1 / fit.scale + 0.5;

    // First box, then a redraw: the message holds the latest, in the image's pixels.
    await dragOver(page, [40, 30], [200, 150]);
    const first = numbersIn(await messageBox(page).inputValue());
    [40, 30, 200, 150].forEach((value, i) => expect(Math.abs(first[i]! - value)).toBeLessThanOrEqual(tolerance));
    await dragOver(page, [480, 300], [160, 90]);
    const drawn = numbersIn(await messageBox(page).inputValue());
    [160, 90, 480, 300].forEach((value, i) => expect(Math.abs(drawn[i]! - value)).toBeLessThanOrEqual(tolerance));
    const [left, top, right, bottom] = drawn as [number, number, number, number];
    await expect(regionPicker(page).getByText(`Region: ${left}, ${top} → ${right}, ${bottom} px`)).toBeVisible();
    // Drawn where the pointer went, over the letterboxed picture.
    const shown = regionPicker(page).locator('rect.asked-region');
    await expect(shown).toHaveAttribute('data-box', drawn.join(','));
    const rect = await shown.evaluate((element: SVGRectElement) => ({ x: element.x.baseVal.value, y: element.y.baseVal.value, width: element.width.baseVal.value }));
    expect(rect.x).toBeCloseTo(fit.offsetX + left * fit.scale, 3);
    expect(rect.y).toBeCloseTo(fit.offsetY + top * fit.scale, 3);
    expect(rect.width).toBeCloseTo((right - left) * fit.scale, 3);

    // Clear, then draw again.
    await regionPicker(page).getByRole('button', { name: 'Clear region' }).click();
    await expect(messageBox(page)).toHaveValue('');
    await expect(shown).toHaveCount(0);
    await dragOver(page, [160, 90], [480, 300]);
    await expect(messageBox(page)).toHaveValue(drawn.join(' '));

    await page.getByRole('button', { name: 'Send' }).click();
    // The question reads as its task and region (not location tokens), the region drawn over its image.
    const question = questions(page).last();
    await expect(question.getByText('Task: Describe a region')).toBeVisible();
    await expect(question.getByText(`${left}, ${top} → ${right}, ${bottom} px`)).toBeVisible();
    await expect(question.locator('rect.asked-region')).toHaveAttribute('data-box', drawn.join(','));
    await expect(question).not.toContainText('<loc_');

    // The answer: its task, its text, and the region it is about drawn over the image, labelled with that text.
    const answer = await waitForAnswer(page);
    await expect(answer.getByText('Task: Describe a region')).toBeVisible();
    const text = (await answer.locator('.answer-body').innerText()).trim();
    expect(text).not.toBe('');
    expect(text).not.toContain('<loc_');
    const overlay = answer.getByRole('figure', { name: 'Regions in the image' });
    const region = overlay.locator('g.region');
    await expect(region).toHaveCount(1);
    await expect(region).toHaveAttribute('data-box', drawn.join(','));
    expect((await region.getAttribute('data-label'))!.replace(/\s+/g, ' ')).toBe(text.replace(/\s+/g, ' '));
    const [jsonDownload] = await Promise.all([page.waitForEvent('download'), overlay.getByRole('button', { name: 'Export JSON' }).click()]);
    const exported = JSON.parse(await readFile((await jsonDownload.path())!, 'utf8')) as { task: string; image: object; regions: { box: number[] }[] };
    expect(exported).toMatchObject({ task: '<REGION_TO_DESCRIPTION>', image: IMAGE, regions: [{ box: drawn }] });

    // A second region task, on the same image without attaching it again, from the keyboard only.
    await page.getByLabel('Task').selectOption({ label: 'Read text in a region' });
    await expect(drawingSurface(page)).toBeVisible();
    await messageBox(page).fill('320 0 640 180');
    await expect(regionPicker(page).locator('rect.asked-region')).toHaveAttribute('data-box', '320,0,640,180');
    await messageBox(page).press('Enter');
    await expect(answers(page)).toHaveCount(2);
    const second = questions(page).last();
    await expect(second.getByText('Task: Read text in a region')).toBeVisible();
    await expect(second.locator('rect.asked-region')).toHaveAttribute('data-box', '320,0,640,180');
    const secondAnswer = await waitForAnswer(page);
    await expect(secondAnswer.getByText('Task: Read text in a region')).toBeVisible();
    await expect(secondAnswer.getByRole('figure', { name: 'Regions in the image' }).locator('g.region')).toHaveAttribute('data-box', '320,0,640,180');
    expect(errors).toEqual([]);
  });

  test('a region without an image, without area, outside the image, or a click is refused with what to do; nothing is sent or lost', async ({ page }) => {
    await openChat(page, {}, { model: FLORENCE2_TEST_MODEL_ID });
    await page.getByLabel('Task').selectOption({ label: 'Describe a region' });
    await expect(regionPicker(page)).toContainText('attach an image, then drag a box over it');
    await messageBox(page).fill('10 10 50 50');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect(alertRegion(page)).toContainText('Describe a region needs an image: attach the image the region is in');
    await expect(messageBox(page)).toHaveValue('10 10 50 50');

    await dropFiles(page, [await pngFile(page, 'street.png', { ...IMAGE, seed: 5 })]);
    await expect(drawingSurface(page)).toBeVisible();
    await messageBox(page).fill('10 10 10 50');
    await expect(regionPicker(page)).toContainText('This region cannot be sent: the region 10 10 10 50 has no area');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect(alertRegion(page)).toContainText('Describe a region: the region 10 10 10 50 has no area');
    await expect(messageBox(page)).toHaveValue('10 10 10 50');

    await messageBox(page).fill('600 300 700 360');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect(alertRegion(page)).toContainText('reaches outside the image, which is 640 × 360 pixels');
    await expect(messageBox(page)).toHaveValue('600 300 700 360');

    await messageBox(page).fill('the red car');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect(alertRegion(page)).toContainText('drag a box over the image, or write the region in the message as four pixel coordinates');
    await expect(messageBox(page)).toHaveValue('the red car');

    // A click draws nothing, and says so; the message is left as it was.
    const { box, offsetX, offsetY } = await pictureIn(drawingSurface(page));
    await page.mouse.click(box.x + offsetX + 100, box.y + offsetY + 50);
    await expect(regionPicker(page)).toContainText('A click, or a drag beside the picture, draws no region');
    await expect(messageBox(page)).toHaveValue('the red car');

    expect(await questions(page).count()).toBe(0);
    await expect(page.getByRole('list', { name: 'Images to send' }).getByRole('listitem')).toHaveCount(1);
  });

  test('OCR with regions: the lines are text to select and copy, each tied to its quadrilateral by hover and focus', async ({ page, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const errors = watchConsole(page);
    // 18 answer tokens: the test model writes a text token and eight location tokens, twice: two lines.
    await openChat(page, { maxNewTokens: 18 }, { model: FLORENCE2_TEST_MODEL_ID });
    await dropFiles(page, [await pngFile(page, 'sign.png', { ...IMAGE, seed: 7 })]);
    await page.getByLabel('Task').selectOption({ label: 'Read text with regions' });
    await page.getByRole('button', { name: 'Send' }).click();
    const answer = await waitForAnswer(page);
    await expect(answer.getByText('Task: Read text with regions')).toBeVisible();
    const overlay = answer.getByRole('figure', { name: 'Regions in the image' });
    const quads = overlay.locator('g.region');
    const lines = overlay.getByRole('region', { name: 'Text in the image' }).getByRole('listitem');
    await expect(quads.locator('polygon')).toHaveCount(2);
    await expect(lines).toHaveCount(2);
    // Each line is its quadrilateral's text, as transformers.js read it.
    const labels = await quads.evaluateAll((groups) => groups.map((group) => group.getAttribute('data-label') ?? ''));
    expect(await lines.allInnerTexts()).toEqual(labels.map((label) => label || '(no text)'));

    // Selectable: dragging across the lines selects their text.
    await overlay.getByRole('region', { name: 'Text in the image' }).scrollIntoViewIfNeeded();
    const firstBox = (await lines.first().boundingBox())!;
    const lastBox = (await lines.last().boundingBox())!;
    await page.mouse.move(firstBox.x + 1, firstBox.y + firstBox.height / 2);
    await page.mouse.down();
    await page.mouse.move(lastBox.x + lastBox.width - 1, lastBox.y + lastBox.height / 2, { steps: 6 });
    await page.mouse.up();
    const selected = await page.evaluate(() => window.getSelection()!.toString());
    for (const label of labels) expect(selected).toContain(label);

    // Focusing a line from the keyboard highlights its quadrilateral; hovering one does too, and
    // the pointer leaving goes back to the focused line's.
    await page.mouse.move(0, 0);
    await lines.nth(1).focus();
    await expect(quads.nth(1)).toHaveClass(/highlighted/);
    await page.keyboard.press('Shift+Tab');
    await expect(lines.nth(0)).toBeFocused();
    await expect(quads.nth(0)).toHaveClass(/highlighted/);
    await expect(quads.nth(1)).not.toHaveClass(/highlighted/);
    await lines.nth(1).hover();
    await expect(quads.nth(1)).toHaveClass(/highlighted/);
    await expect(quads.nth(0)).not.toHaveClass(/highlighted/);
    await page.mouse.move(0, 0);
    await expect(quads.nth(0)).toHaveClass(/highlighted/);
    await lines.nth(0).blur();
    await expect(quads.nth(0)).not.toHaveClass(/highlighted/);

    // Hovering a quadrilateral highlights its line: the mouse goes to a point where that polygon is on top.
    const point = await quads
      .nth(0)
      .locator('polygon')
      .evaluate((polygon: SVGPolygonElement) => {
        const points = [...polygon.points];
        const matrix = polygon.getScreenCTM()!;
        for (let i = 0; i < points.length; i++) {
          const a = points[i]!;
          const b = points[(i + 1) % points.length]!;
          for (let t = 0; t <= 1; t += 0.05) {
            const x = matrix.a * (a.x + (b.x - a.x) * t) + matrix.e;
            const y = matrix.d * (a.y + (b.y - a.y) * t) + matrix.f;
            if (document.elementFromPoint(x, y) === polygon) return { x, y };
          }
        }
        return null;
      });
    expect(point).not.toBeNull();
    await page.mouse.move(point!.x, point!.y);
    await expect(lines.nth(0)).toHaveClass(/highlighted/);
    await expect(lines.nth(1)).not.toHaveClass(/highlighted/);

    // Copy all text: every line, one a line.
    await overlay.getByRole('button', { name: 'Copy all text' }).click();
    await expect(overlay.getByRole('button', { name: 'Copy all text' })).toContainText('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(labels.join('\n'));

    // The JSON export carries each line's quadrilateral in the image's pixels.
    const [jsonDownload] = await Promise.all([page.waitForEvent('download'), overlay.getByRole('button', { name: 'Export JSON' }).click()]);
    const exported = JSON.parse(await readFile((await jsonDownload.path())!, 'utf8')) as { task: string; regions: { label: string; quad: number[] }[] };
    expect(exported.task).toBe('<OCR_WITH_REGION>');
    expect(exported.regions.map((region) => region.label)).toEqual(labels);
    for (const region of exported.regions) {
      expect(region.quad).toHaveLength(8);
      region.quad.forEach((value, i) => expect(value).toBeLessThanOrEqual(i % 2 === 0 ? IMAGE.width : IMAGE.height));
    }
    expect(errors).toEqual([]);
  });
});
