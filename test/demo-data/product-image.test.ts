import { describe, expect, it } from 'vitest';
import type { Item } from '../../src/core/data/types';
import {
  contrastShade,
  DEMO_COLOURS,
  escapeXml,
  generateCatalog,
  productSvg,
} from '../../src/core/demo-data';
import { xmlProblem } from './xml-check';

describe('productSvg', () => {
  const { items } = generateCatalog({ products: 600 });

  it('draws every product as a small, well-formed SVG with an accessible title', () => {
    const encoder = new TextEncoder();
    for (const item of items) {
      const svg = productSvg(item);
      expect(svg.startsWith('<svg')).toBe(true);
      expect(xmlProblem(svg), item.id).toBeNull();
      expect(svg).toContain(`<title id="t-${item.id}">${escapeXml(item.title!)}`);
      expect(svg).toContain(`aria-labelledby="t-${item.id}"`);
      expect(encoder.encode(svg).length, item.id).toBeLessThan(1536);
      const colour = item.attributes!['colour'] as keyof typeof DEMO_COLOURS;
      expect(svg).toContain(`fill="${DEMO_COLOURS[colour]}"`);
    }
  });

  it('draws a different pictogram per kind of product', () => {
    const knife = items.find((item) => item.category![2] === 'Knives')!;
    const tent = items.find((item) => item.category![2] === 'Tents')!;
    const body = (svg: string): string => svg.slice(svg.indexOf('<g '));
    expect(body(productSvg(knife))).not.toBe(
      body(productSvg({ ...tent, attributes: knife.attributes! })),
    );
  });

  it('escapes markup in titles and falls back for items outside the demo tree', () => {
    const item: Item = {
      id: 'x 1',
      title: 'Salt & <Pepper> "Mill"',
      category: ['Pantry'],
      attributes: { colour: 'plaid' },
    };
    const svg = productSvg(item);
    expect(xmlProblem(svg)).toBeNull();
    expect(svg).toContain('Salt &amp; &lt;Pepper&gt; &quot;Mill&quot;, plaid</title>');
    expect(svg).toContain('id="t-x_1"');
    expect(svg).toContain('fill="#8a8f96"');
    expect(xmlProblem(productSvg({ id: 'bare' }))).toBeNull();
  });

  it('picks outline colours that contrast with light and dark fills', () => {
    expect(contrastShade('#ffffff')).toBe('#808080');
    expect(contrastShade('#000000')).toBe('#8c8c8c');
  });

  it('has a well-formedness check that catches broken markup', () => {
    expect(xmlProblem('<svg><g></svg>')).toMatch(/unbalanced/);
    expect(xmlProblem('<svg><title>a & b</title></svg>')).toMatch(/stray/);
    expect(xmlProblem('<svg x=1/>')).toMatch(/stray/);
    expect(xmlProblem('<svg/><svg/>')).toMatch(/second root/);
    expect(xmlProblem('<svg><rect width="1"/></svg>\n')).toBeNull();
  });
});
