/** The current view as a standalone SVG document (export): boxes, labels and edges, from absolute positions. Pure. */
import type { Positions } from './layoutGraph.js';
import type { ViewGraph } from './view.js';

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const FILL: Record<string, string> = {
  lane: '#f4f6fa',
  box: '#ffffff',
  band: '#fdf8ea',
  send: '#e3f0ff',
  receive: '#e6f7ea',
  call: '#f1e9ff',
};

export function toSvg(view: ViewGraph, boxes: Positions, title = 'flow'): string {
  const all = Object.values(boxes);
  const width = Math.ceil(Math.max(100, ...all.map((b) => b.x + b.width)) + 20);
  const height = Math.ceil(Math.max(100, ...all.map((b) => b.y + b.height)) + 20);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="-10 -10 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<title>${escape(title)}</title>`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs>',
  ];
  for (const node of view.nodes) {
    const b = boxes[node.id];
    if (!b) continue;
    const fill = FILL[node.kind === 'item' ? node.role : node.kind] ?? '#ffffff';
    const stroke = node.problems?.length ? '#d33' : '#8a94a6';
    parts.push(
      `<rect x="${b.x}" y="${b.y}" width="${b.width}" height="${b.height}" rx="6" fill="${fill}" stroke="${stroke}"/>`,
    );
    const ty = node.kind === 'item' ? b.y + b.height / 2 + 4 : b.y + 18;
    parts.push(`<text x="${b.x + 8}" y="${ty}" fill="#1d2433">${escape(node.label)}</text>`);
  }
  for (const edge of view.edges) {
    const s = boxes[edge.source];
    const t = boxes[edge.target];
    if (!s || !t) continue;
    const message = edge.kind === 'message';
    const [x1, y1] = message ? [s.x + s.width, s.y + s.height / 2] : [s.x + s.width / 2, s.y + s.height];
    const [x2, y2] = message ? [t.x, t.y + t.height / 2] : [t.x + t.width / 2, t.y];
    const color = edge.error ? '#d33' : message ? '#2f6fdb' : '#777';
    parts.push(
      `<path d="M ${x1} ${y1} L ${x2} ${y2}" stroke="${color}" fill="none" marker-end="url(#arrow)"${message ? '' : ' stroke-dasharray="3 2"'}/>`,
    );
    if (edge.label)
      parts.push(
        `<text x="${(x1 + x2) / 2}" y="${(y1 + y2) / 2 - 4}" fill="${color}">${escape(edge.label)}</text>`,
      );
  }
  parts.push('</svg>');
  return parts.join('\n');
}
