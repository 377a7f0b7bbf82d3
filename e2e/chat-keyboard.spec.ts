/**
 * The main flow with the keyboard only (Tab to move, Enter and Space to press, typing for the
 * question): add an image through "Add image", ask, regenerate, copy, open and close settings.
 */
import { expect, test } from './fixtures.ts';
import { answers, messageBox, openChat, pngFile, tabTo, tagAnswers, thumbnails, waitForAnswer } from './chat-helpers.ts';

test('keyboard only: add an image, ask, regenerate and copy the answer', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openChat(page, { maxNewTokens: 16 });
  const image = await pngFile(page, 'keyboard.png', { seed: 7 });

  await tabTo(page, page.getByRole('button', { name: 'Add image' }));
  const chooser = page.waitForEvent('filechooser');
  await page.keyboard.press('Enter');
  await (await chooser).setFiles(image);
  await expect(thumbnails(page)).toHaveCount(1);

  await tabTo(page, messageBox(page));
  await page.keyboard.type('What is in the picture?');
  await page.keyboard.press('Shift+Enter');
  await page.keyboard.type('Answer briefly.');
  await expect(messageBox(page)).toHaveValue('What is in the picture?\nAnswer briefly.');
  await page.keyboard.press('Enter');
  const answer = await waitForAnswer(page);
  await expect(page.getByRole('article', { name: 'You' })).toContainText('Answer briefly.');

  // Focus is visible where it lands.
  const regenerate = answer.getByRole('button', { name: 'Regenerate' });
  await tabTo(page, regenerate);
  const outline = await regenerate.evaluate((element) => getComputedStyle(element).outlineStyle);
  expect(outline).not.toBe('none');
  const previous = await tagAnswers(page);
  await page.keyboard.press('Space');
  await expect(previous).toHaveCount(0);
  const regenerated = await waitForAnswer(page);
  await expect(answers(page)).toHaveCount(1);

  const copy = regenerated.getByRole('button', { name: 'Copy' });
  await tabTo(page, copy);
  await page.keyboard.press('Enter');
  await expect(copy).toContainText('Copied');
  const clipboard = await page.evaluate(() => navigator.clipboard.readText());
  expect(clipboard.trim().length).toBeGreaterThan(0);
  expect((await regenerated.locator('.markdown').innerText()).replace(/\s+/g, '')).toContain(clipboard.replace(/[\s*_`#>|\\-]+/g, '').slice(0, 6));

  // Settings open and close from the keyboard, and focus comes back.
  const settings = page.getByRole('button', { name: 'Settings' });
  await tabTo(page, settings);
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await expect(dialog).toBeVisible();
  await tabTo(page, dialog.getByRole('button', { name: 'Done' }));
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
  await expect(settings).toBeFocused();
});

test('narrow screen: the open chat drawer keeps focus, the page behind is inert; Escape and widening close it', async ({ page }) => {
  await page.setViewportSize({ width: 420, height: 800 });
  await openChat(page, {}, { waitForModel: false });
  const toggle = page.getByRole('button', { name: 'Show chats' });
  await toggle.click();
  const drawer = page.getByRole('complementary', { name: 'Chats' });
  await expect(drawer.getByRole('button', { name: 'New chat' })).toBeFocused();

  // Tab through more stops than the drawer has: focus never reaches the page behind it.
  for (let press = 0; press < 12; press++) {
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => Boolean(document.activeElement?.closest('.main'))), `Tab ${press + 1} stays out of the page behind`).toBe(false);
  }
  await expect(page.locator('.main')).toHaveAttribute('inert', '');

  await page.keyboard.press('Escape');
  await expect(toggle).toBeFocused();
  await expect(page.locator('.main')).not.toHaveAttribute('inert');
  await tabTo(page, messageBox(page));

  // Opened again, then the window widens past the drawer breakpoint: the drawer closes.
  await toggle.click();
  await expect(page.locator('.main')).toHaveAttribute('inert', '');
  await page.setViewportSize({ width: 1200, height: 800 });
  await expect(page.locator('.main')).not.toHaveAttribute('inert');
  await messageBox(page).click();
  await expect(messageBox(page)).toBeFocused();
});
