/** Design styles a product (and a shopper's taste) can have. */
export const DEMO_STYLES = [
  'classic',
  'modern',
  'minimalist',
  'rugged',
  'playful',
  'luxe',
  'sporty',
] as const;

/** One of {@link DEMO_STYLES}. */
export type DemoStyle = (typeof DEMO_STYLES)[number];

/** Named product colours and the hex they are drawn with. */
export const DEMO_COLOURS = {
  charcoal: '#3a3d42',
  black: '#1e1e1e',
  white: '#f4f2ec',
  cream: '#efe4c8',
  grey: '#8a8f96',
  silver: '#b8bec6',
  navy: '#1f3a5f',
  'sky blue': '#5fa8d3',
  teal: '#1f8a8a',
  'forest green': '#2e6b3f',
  olive: '#6b7a3a',
  sage: '#9cb08a',
  mustard: '#d4a72c',
  orange: '#e67e22',
  red: '#c0392b',
  burgundy: '#7b2338',
  pink: '#e58fb0',
  lavender: '#a58fd6',
  sand: '#d8c39a',
  brown: '#7a4e2d',
  walnut: '#5b3a21',
  oak: '#b98a55',
  bamboo: '#d9b870',
  terracotta: '#c8673f',
} as const;

/** A key of {@link DEMO_COLOURS}. */
export type DemoColour = keyof typeof DEMO_COLOURS;

/** Colours products get when their subcategory does not narrow them down. */
export const DEFAULT_COLOURS: readonly DemoColour[] = [
  'charcoal',
  'black',
  'white',
  'grey',
  'navy',
  'sky blue',
  'teal',
  'forest green',
  'olive',
  'mustard',
  'orange',
  'red',
  'burgundy',
  'pink',
  'sand',
  'brown',
];

/** Hex of a colour name, or undefined for names outside {@link DEMO_COLOURS}. */
export function colourHex(name: string): string | undefined {
  return Object.hasOwn(DEMO_COLOURS, name) ? DEMO_COLOURS[name as DemoColour] : undefined;
}

/** Price positioning of a brand: budget, mid-range or premium. */
export type BrandTier = -1 | 0 | 1;

/** A fictional brand of one department. */
export interface DemoBrand {
  readonly name: string;
  /** Style most of its products have. */
  readonly style: DemoStyle;
  readonly tier: BrandTier;
}
