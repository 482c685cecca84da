// Visible text of an element, as a browser lays it out: <br> and block elements separate words
// ("35663<br>Turkey" -> "35663 Turkey"), comments vanish (React's "<!-- -->" inside prices),
// script/style content is not text.
import type { AnyNode } from 'domhandler';
import { normaliseText } from './text.ts';

const BLOCK = new Set([
  'address', 'article', 'aside', 'blockquote', 'br', 'dd', 'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure', 'footer',
  'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main', 'nav', 'ol', 'option', 'p', 'pre', 'section',
  'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul',
]);
const SKIP = new Set(['script', 'style', 'noscript', 'template', 'head']);

function walk(node: AnyNode, parts: string[]): void {
  if (node.type === 'text') {
    parts.push((node as unknown as { data: string }).data);
    return;
  }
  if (node.type !== 'tag' && node.type !== 'root') return;
  const el = node as unknown as { name?: string; children?: AnyNode[] };
  const name = el.name?.toLowerCase() ?? '';
  if (SKIP.has(name)) return;
  const block = BLOCK.has(name);
  if (block) parts.push(' ');
  for (const child of el.children ?? []) walk(child, parts);
  if (block) parts.push(' ');
}

export function visibleText(nodes: AnyNode | AnyNode[]): string {
  const parts: string[] = [];
  for (const n of Array.isArray(nodes) ? nodes : [nodes]) walk(n, parts);
  return normaliseText(parts.join(''));
}
