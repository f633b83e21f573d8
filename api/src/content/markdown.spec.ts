import { readingMinutes, renderMarkdown, splitLesson } from './markdown';

describe('renderMarkdown (marked + sanitize-html)', () => {
  it.each([
    ['a script tag and its content', 'Hi <script>alert(1)</script>there', '<p>Hi there</p>'],
    ['event handlers', '<img src="https://x.test/a.png" onerror="alert(1)">', '<img src="https://x.test/a.png" />'],
    ['javascript: links', '[click](javascript:alert(1))', '<p><a>click</a></p>'],
    ['an encoded javascript: link', '<a href="jav&#x61;script:alert(1)">x</a>', '<p><a>x</a></p>'],
    ['data: images', '![x](data:image/svg+xml;base64,PHN2Zz4=)', '<p><img alt="x" /></p>'],
    [
      'iframes, forms and styles',
      '<iframe src="https://evil.test"></iframe><form><input></form><style>p{}</style>ok',
      'ok',
    ],
    ['style attributes', '<p style="position:fixed">x</p>', '<p>x</p>'],
  ])('drops %s', (_case, source, html) => {
    expect(renderMarkdown(source)).toBe(html);
  });

  it('keeps safe links (marked for leaving the hub) and images', () => {
    expect(renderMarkdown('[EN 12831](https://example.org/en12831 "norm")')).toBe(
      '<p><a href="https://example.org/en12831" title="norm" rel="noopener noreferrer">EN 12831</a></p>',
    );
    expect(renderMarkdown('![Plate heat exchanger](https://cdn.example.org/phe.jpg)')).toBe(
      '<p><img src="https://cdn.example.org/phe.jpg" alt="Plate heat exchanger" /></p>',
    );
    expect(renderMarkdown('[next](/learn/heat-pumps)')).toBe('<p><a href="/learn/heat-pumps">next</a></p>');
  });

  it('renders tables, lists, emphasis, and turns # headings into h2 (the page has the h1)', () => {
    const html = renderMarkdown('# Title\n\n- **a**\n- *b*\n\n| x | y |\n| --- | --- |\n| 1 | 2 |');
    expect(html).toContain('<h2>Title</h2>');
    expect(html).toContain('<li><strong>a</strong></li>');
    expect(html).toContain('<td>1</td>');
  });

  it('estimates reading time at 200 words a minute, at least one', () => {
    expect(readingMinutes('word '.repeat(1000))).toBe(5);
    expect(readingMinutes('short')).toBe(1);
  });
});

describe('splitLesson', () => {
  it('reads the title from front matter, else from the first heading, else none', () => {
    expect(splitLesson('---\ntitle: Sizing\n---\n\nBody')).toEqual({ title: 'Sizing', body: '\nBody' });
    expect(splitLesson('# Sizing\n\nBody')).toEqual({ title: 'Sizing', body: '\nBody' });
    expect(splitLesson('Body only')).toEqual({ title: null, body: 'Body only' });
  });

  it('refuses front matter other than a title', () => {
    expect(() => splitLesson('---\ntitle: 3\n---\nx')).toThrow(/title must be text/);
    expect(() => splitLesson('---\nlayout: wide\n---\nx')).toThrow(/unknown front matter: layout/);
  });
});
