/**
 * Model output is untrusted. An answer full of attacks (stored as if the model had written it) is
 * rendered as harmless Markdown: no script runs, no event handler fires, no javascript: link, and
 * nothing is fetched from another origin (the fixture fails the test on any such request).
 */
import { expect, test } from './fixtures.ts';
import { answers, openChat } from './chat-helpers.ts';

const ATTACKS = [
  '**Bold** text and a [safe link](https://example.com/docs).',
  '<script>window.__pwned = "script"</script>',
  '<img src="https://evil.example/pixel.png" onerror="window.__pwned = \'onerror\'">',
  '![tracking pixel](https://evil.example/track.png)',
  '[click me](javascript:window.__pwned=\'link\')',
  '<a href="javascript:window.__pwned=\'raw link\'">raw</a>',
  '<iframe src="https://evil.example/frame"></iframe>',
  '<svg onload="window.__pwned=\'svg\'"><circle r="5"/></svg>',
  '<style>body { background: url(https://evil.example/bg.png) }</style>',
  '<details open ontoggle="window.__pwned=\'toggle\'"><summary>x</summary></details>',
].join('\n\n');

test('a hostile answer renders as inert text', async ({ page }) => {
  await openChat(page, { maxNewTokens: 8 });
  await page.evaluate(async (text) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('vlm-chat');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const now = Date.now();
    const conversation = {
      id: 'chat-hostile',
      title: 'Hostile answer',
      createdAt: now,
      updatedAt: now,
      messages: [
        { id: 'u1', role: 'user', text: 'Say something dangerous.', images: [], createdAt: now },
        { id: 'a1', role: 'assistant', text, status: 'done', finishReason: 'eos', createdAt: now, modelId: 'SmolVLM-test-tiny' },
      ],
    };
    const tx = db.transaction(['conversations', 'summaries'], 'readwrite');
    tx.objectStore('conversations').put(conversation);
    tx.objectStore('summaries').put({ id: conversation.id, title: conversation.title, updatedAt: now, messageCount: 2, imageCount: 0 });
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    db.close();
    localStorage.setItem('vlm-chat.active-conversation', conversation.id);
  }, ATTACKS);

  await page.reload();
  const answer = answers(page).first();
  const body = answer.locator('.markdown');
  await expect(body.locator('strong')).toHaveText('Bold');
  await expect(body.getByRole('link', { name: 'safe link' })).toHaveAttribute('rel', 'noopener noreferrer nofollow');
  // The attacks are visible as text, not as elements.
  await expect(body).toContainText('<script>window.__pwned = "script"</script>');
  await expect(body).toContainText('[image: tracking pixel]');
  expect(await body.locator('script, img, iframe, svg, style, details, [onerror], [onload], [ontoggle]').count()).toBe(0);
  expect(await body.locator('a[href^="javascript"], a[href*="evil"]').count()).toBe(0);
  await page.waitForTimeout(500);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
});
