import { load } from 'js-yaml';
import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

/** GitHub-flavoured Markdown, the dialect course authors know; one instance, no global options. */
const markdown = new Marked({ gfm: true, breaks: false, async: false });

/**
 * What a lesson may contain once rendered. An allow-list: anything else (scripts, styles, iframes,
 * forms, event handlers, `style` attributes, `javascript:` and `data:` URLs) is dropped, whatever
 * the Markdown or the raw HTML inside it says. The page has its own h1 (the lesson title), so a
 * lesson's `#` headings become h2.
 */
const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'p',
    'br',
    'hr',
    'ul',
    'ol',
    'li',
    'strong',
    'em',
    'b',
    'i',
    'del',
    'sup',
    'sub',
    'code',
    'pre',
    'blockquote',
    'a',
    'img',
    'figure',
    'figcaption',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'rel'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    th: ['align'],
    td: ['align'],
    ol: ['start'],
  },
  allowedSchemes: ['https', 'http', 'mailto'],
  allowedSchemesByTag: { img: ['https', 'http'] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    h1: 'h2',
    // Links leave the hub without handing it the reader's page (or a referrer).
    a: (tagName, attribs) => ({
      tagName,
      attribs: /^https?:/i.test(attribs.href ?? '') ? { ...attribs, rel: 'noopener noreferrer' } : attribs,
    }),
  },
};

/** Markdown → HTML that is safe to put in a page as it is. */
export function renderMarkdown(source: string): string {
  const html = markdown.parse(source, { async: false });
  return sanitizeHtml(html, SANITIZE).trim();
}

/** Minutes a lesson takes to read at 200 words a minute (at least one). */
export function readingMinutes(source: string): number {
  const words = source.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word)).length;
  return Math.max(1, Math.round(words / 200));
}

export interface LessonSource {
  /** From the front matter, else the first `# ` heading (then removed from the body), else null. */
  title: string | null;
  body: string;
}

/**
 * Splits optional YAML front matter (`---` lines around it; only `title:` is known) from a
 * lesson's Markdown. Throws an Error whose message says what is wrong.
 */
export function splitLesson(text: string): LessonSource {
  const source = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  let body = source;
  let title: string | null = null;
  const front = /^---\n([\s\S]*?)\n---[ \t]*(\n|$)/.exec(source);
  if (front) {
    const data = (load(front[1]) ?? {}) as unknown;
    if (typeof data !== 'object' || Array.isArray(data)) throw new Error('front matter must be key: value lines');
    const { title: given, ...rest } = data as Record<string, unknown>;
    if (Object.keys(rest).length) throw new Error(`unknown front matter: ${Object.keys(rest).join(', ')}`);
    if (given !== undefined) {
      if (typeof given !== 'string' || !given.trim() || given.length > 120) {
        throw new Error('front matter title must be text of 1 to 120 characters');
      }
      title = given.trim();
    }
    body = source.slice(front[0].length);
  }
  if (title === null) {
    const heading = /^\s*#[ \t]+(.+?)[ \t#]*(\n|$)/.exec(body);
    if (heading) {
      title = heading[1].trim();
      body = body.slice(heading[0].length);
    }
  }
  return { title, body };
}
