import type { Item } from '../data/types';
import { findLeaf } from './category-tree';
import { drawPictogram } from './pictograms';
import { colourHex } from './product-traits';

const FALLBACK_COLOUR = '#8a8f96';
const FALLBACK_TINT = '#eeeeee';

/** Escapes text for an XML text node or attribute value. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** A colour that stands out against `hex` (#rrggbb): a darker shade of light colours, a lighter tint of dark ones. */
export function contrastShade(hex: string): string {
  const value = Number.parseInt(hex.slice(1), 16);
  const channels = [(value >> 16) & 255, (value >> 8) & 255, value & 255];
  const luminance = (0.2126 * channels[0]! + 0.7152 * channels[1]! + 0.0722 * channels[2]!) / 255;
  const shifted = channels.map((c) =>
    luminance > 0.3 ? Math.round(c * 0.5) : Math.round(c + (255 - c) * 0.55),
  );
  return `#${shifted.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * The product image of a catalog item: a 64×64 SVG pictogram of its subcategory (a knife, a tent,
 * headphones…) in the item's `attributes.colour` on its department's tint, with the title and
 * colour as accessible `<title>`. Items outside the demo tree get a parcel; unknown colours grey.
 */
export function productSvg(item: Item): string {
  const leaf = findLeaf(item.category);
  const colour = item.attributes?.['colour'];
  const colourName = typeof colour === 'string' ? colour : undefined;
  const main = (colourName === undefined ? undefined : colourHex(colourName)) ?? FALLBACK_COLOUR;
  const detail = contrastShade(main);
  const label = escapeXml(`${item.title ?? item.id}${colourName ? `, ${colourName}` : ''}`);
  const titleId = `t-${item.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const body = drawPictogram(leaf?.subcategory.shape ?? 'box', { main, detail });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64" role="img" aria-labelledby="${titleId}">` +
    `<title id="${titleId}">${label}</title>` +
    `<rect width="64" height="64" rx="8" fill="${leaf?.department.tint ?? FALLBACK_TINT}"/>` +
    `<g fill="${main}" stroke="${detail}" stroke-width="2" stroke-linejoin="round" stroke-linecap="round">${body}</g>` +
    `</svg>\n`
  );
}
