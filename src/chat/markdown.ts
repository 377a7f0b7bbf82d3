/**
 * Model output is untrusted text. It is rendered as Markdown with raw HTML shown as text, then
 * sanitised with DOMPurify as a second line of defence: no script, no event handler, no
 * `javascript:` link, and no image, media or style that could fetch from another origin.
 */
import DOMPurify from 'dompurify';
import { Marked, type Tokens } from 'marked';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}

const marked = new Marked({
  gfm: true,
  breaks: true,
  renderer: {
    // Raw HTML in the answer is shown, not interpreted.
    html: ({ text }: Tokens.HTML | Tokens.Tag) => escapeHtml(text),
    // An image would be fetched from wherever the model pointed: show its description instead.
    image: ({ text }: Tokens.Image) => `<span class="md-image-placeholder">[image${text ? `: ${escapeHtml(text)}` : ''}]</span>`,
  },
});

const SAFE_URL = /^(?:https?:|mailto:)/i;

let purifier: ReturnType<typeof DOMPurify> | null = null;

function getPurifier(): ReturnType<typeof DOMPurify> {
  if (purifier) return purifier;
  purifier = DOMPurify(window);
  purifier.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A') {
      const href = node.getAttribute('href') ?? '';
      if (!SAFE_URL.test(href)) {
        node.removeAttribute('href');
        return;
      }
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer nofollow');
    }
  });
  return purifier;
}

const SANITIZE_CONFIG = {
  ALLOWED_TAGS: [
    'a', 'p', 'br', 'hr', 'strong', 'em', 'del', 's', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li',
    'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'span', 'input',
  ],
  ALLOWED_ATTR: ['href', 'title', 'class', 'type', 'checked', 'disabled', 'align', 'start'],
  ALLOWED_URI_REGEXP: SAFE_URL,
};

/** HTML through the sanitiser; null when no working sanitiser exists (an unsupported DOM). */
export function sanitizeHtml(html: string): string | null {
  const sanitizer = getPurifier();
  return sanitizer.isSupported ? sanitizer.sanitize(html, SANITIZE_CONFIG) : null;
}

/** Markdown to sanitised HTML, safe to put in the page. */
export function renderMarkdown(text: string): string {
  // Fail closed: without a working sanitiser, show the text as text.
  return sanitizeHtml(marked.parse(text, { async: false })) ?? `<p>${escapeHtml(text)}</p>`;
}
