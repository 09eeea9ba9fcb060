/** Colours a pictogram is drawn with. */
export interface PictogramPaint {
  /** Main fill: the product's colour. */
  readonly main: string;
  /** Outline and detail colour, contrasting with `main`. */
  readonly detail: string;
}

type Draw = (p: PictogramPaint) => string;

const METAL = '#c9ced4';
const WOOD = '#b98a55';
const GLASS = '#bcd6ea';
const FLAME = '#f5a623';
const LEAF = '#4f8a4a';
const PAPER = '#fbfaf6';

/**
 * A line-drawn element (strap, leg, handle) in the main colour over a slightly wider detail-colour
 * copy, so that light colours (white, cream) still show on the light background.
 * `element` is the tag and geometry without the brackets, e.g. `path d="M0 0H9"`.
 */
const outlined = (element: string, p: PictogramPaint, width: number): string =>
  `<${element} fill="none" stroke="${p.detail}" stroke-width="${width + 2}"/>` +
  `<${element} fill="none" stroke="${p.main}" stroke-width="${width}"/>`;

/**
 * Pictogram bodies on a 64×64 canvas, drawn inside a group whose fill is the product colour and
 * whose stroke is the detail colour (see `productSvg`). Each is a handful of primitives so that a
 * whole image stays well under 1.5 KB.
 */
export const PICTOGRAMS = {
  knife: () =>
    `<path d="M26 27H50Q59 27 56 33L52 37H26Z" fill="${METAL}"/><rect x="6" y="27" width="21" height="10" rx="3"/>`,
  board: () =>
    `<rect x="6" y="18" width="46" height="30" rx="6"/><rect x="50" y="28" width="9" height="10" rx="3"/><path d="M14 28H40M14 38H34" fill="none"/>`,
  pan: () =>
    `<rect x="40" y="31" width="20" height="6" rx="3"/><circle cx="24" cy="34" r="17"/><circle cx="24" cy="34" r="11" fill="none"/>`,
  press: () =>
    `<path d="M42 24H48V42H42" fill="none"/><path d="M30 8V18M23 8H37" fill="none"/><rect x="18" y="18" width="24" height="36" rx="3"/><path d="M18 28H42" fill="none"/>`,
  mug: (p) =>
    `${outlined('path d="M42 24H46A7 7 0 0 1 46 38H42"', p, 4)}<rect x="14" y="18" width="28" height="34" rx="4"/><path d="M22 6Q26 10 22 14M32 6Q36 10 32 14" fill="none"/>`,
  pillow: () =>
    `<path d="M10 16Q32 10 54 16Q60 32 54 48Q32 54 10 48Q4 32 10 16Z"/><path d="M18 24Q32 20 46 24" fill="none"/>`,
  blanket: () =>
    `<rect x="8" y="12" width="48" height="40" rx="4"/><path d="M8 25H56M8 39H56M24 12V52M40 12V52" fill="none"/>`,
  sheets: () =>
    `<rect x="8" y="40" width="48" height="11" rx="3"/><rect x="11" y="28" width="42" height="11" rx="3"/><rect x="14" y="16" width="36" height="11" rx="3"/>`,
  lamp: () =>
    `<path d="M32 32V48" fill="none"/><path d="M22 10H42L50 32H14Z"/><rect x="21" y="48" width="22" height="6" rx="2"/>`,
  candle: () =>
    `<path d="M32 16V22" fill="none"/><path d="M32 6Q38 13 32 17Q26 13 32 6Z" fill="${FLAME}" stroke="none"/><rect x="21" y="22" width="22" height="32" rx="3"/>`,
  vase: () =>
    `<path d="M26 8H38V15Q49 23 47 37Q45 54 32 54Q19 54 17 37Q15 23 26 15Z"/><path d="M19 32H45" fill="none"/>`,
  frame: (p) =>
    `<rect x="8" y="8" width="48" height="48" rx="2"/><rect x="16" y="16" width="32" height="32" fill="${PAPER}"/><path d="M16 42L25 32L32 39L39 30L48 41V48H16Z" fill="${p.detail}"/>`,
  dispenser: () =>
    `<path d="M28 24V14H40V18" fill="none"/><rect x="18" y="24" width="28" height="32" rx="6"/><rect x="24" y="34" width="16" height="12" rx="2" fill="${PAPER}"/>`,
  tent: (p) =>
    `<path d="M6 52L32 12L58 52Z"/><path d="M32 24L23 52H41Z" fill="${p.detail}"/><path d="M4 52H60" fill="none"/>`,
  sleepingbag: (p) =>
    `<rect x="14" y="6" width="36" height="52" rx="16"/><ellipse cx="32" cy="19" rx="10" ry="7" fill="${p.detail}"/><path d="M44 20V50" fill="none"/>`,
  mat: () =>
    `<rect x="6" y="24" width="42" height="22" rx="3"/><circle cx="47" cy="35" r="11"/><circle cx="47" cy="35" r="5" fill="none"/>`,
  stove: () =>
    `<rect x="8" y="32" width="48" height="18" rx="3"/><path d="M22 30Q28 22 22 14Q16 22 22 30ZM42 30Q48 22 42 14Q36 22 42 30Z" fill="${FLAME}"/><circle cx="16" cy="41" r="3" fill="none"/>`,
  lantern: () =>
    `<path d="M24 16A8 8 0 0 1 40 16" fill="none"/><rect x="22" y="16" width="20" height="7" rx="2"/><rect x="24" y="23" width="16" height="22" fill="#fde9a8"/><rect x="22" y="45" width="20" height="9" rx="2"/>`,
  backpack: (p) =>
    `<path d="M26 12Q26 6 32 6Q38 6 38 12" fill="none"/><rect x="14" y="12" width="36" height="44" rx="10"/><rect x="21" y="34" width="22" height="15" rx="4" fill="${p.detail}"/>`,
  boot: () =>
    `<path d="M18 8H34V33L48 38Q55 41 55 48V53H14V45Q18 30 18 8Z"/><path d="M14 47H55M20 16H32" fill="none"/>`,
  poles: (p) =>
    `${outlined('path d="M22 14L27 58M42 14L37 58"', p, 3)}<rect x="17" y="6" width="9" height="13" rx="3"/><rect x="38" y="6" width="9" height="13" rx="3"/>`,
  bottle: (p) =>
    `<rect x="24" y="6" width="16" height="9" rx="2"/><rect x="19" y="15" width="26" height="43" rx="7"/><rect x="19" y="30" width="26" height="10" fill="${p.detail}"/>`,
  light: () =>
    `<rect x="8" y="22" width="28" height="20" rx="6"/><circle cx="22" cy="32" r="6" fill="#fff6c8"/><path d="M42 24L56 18M42 32H58M42 40L56 46" fill="none"/>`,
  drybag: () =>
    `<path d="M17 20H47V50Q47 56 41 56H23Q17 56 17 50Z"/><rect x="14" y="9" width="36" height="9" rx="3"/><path d="M32 18V24" fill="none"/>`,
  headphones: (p) =>
    `${outlined('path d="M15 38V32A17 17 0 0 1 49 32V38"', p, 5)}<rect x="9" y="33" width="13" height="20" rx="5"/><rect x="42" y="33" width="13" height="20" rx="5"/>`,
  earbuds: () =>
    `<circle cx="21" cy="22" r="9"/><rect x="17" y="27" width="8" height="25" rx="3"/><circle cx="43" cy="22" r="9"/><rect x="39" y="27" width="8" height="25" rx="3"/>`,
  speaker: (p) =>
    `<rect x="17" y="6" width="30" height="52" rx="5"/><circle cx="32" cy="39" r="10" fill="${p.detail}"/><circle cx="32" cy="19" r="5" fill="${p.detail}"/>`,
  laptop: () =>
    `<rect x="13" y="12" width="38" height="27" rx="2"/><rect x="17" y="16" width="30" height="19" fill="${GLASS}"/><path d="M6 42H58L54 51H10Z"/>`,
  keyboard: () =>
    `<rect x="5" y="20" width="54" height="25" rx="3"/><path d="M11 27H53M11 33H53M21 39H43" fill="none" stroke-dasharray="3 2"/>`,
  mouse: () =>
    `<rect x="19" y="10" width="26" height="44" rx="13"/><path d="M32 10V24" fill="none"/>`,
  briefcase: () =>
    `<path d="M24 20V14H40V20" fill="none"/><rect x="7" y="20" width="50" height="32" rx="4"/><path d="M7 33H57" fill="none"/>`,
  camera: (p) =>
    `<rect x="20" y="12" width="14" height="9" rx="2"/><rect x="7" y="19" width="50" height="32" rx="4"/><circle cx="32" cy="35" r="11" fill="${p.detail}"/><circle cx="32" cy="35" r="5" fill="${GLASS}"/>`,
  lens: () =>
    `<rect x="10" y="17" width="38" height="30" rx="3"/><path d="M22 17V47M36 17V47" fill="none"/><ellipse cx="50" cy="32" rx="5" ry="15" fill="${GLASS}"/>`,
  tripod: (p) =>
    `${outlined('path d="M32 18L15 57M32 18L49 57M32 18V50"', p, 3)}<rect x="22" y="8" width="20" height="10" rx="2"/>`,
  sdcard: (p) =>
    `<path d="M18 6H38L47 15V58H18Z"/><path d="M24 11V18M29 11V18M34 11V18" fill="none"/><rect x="23" y="32" width="19" height="16" rx="2" fill="${p.detail}"/>`,
  phonecase: (p) =>
    `<rect x="17" y="5" width="30" height="54" rx="7"/><rect x="21" y="9" width="11" height="11" rx="3" fill="${p.detail}"/>`,
  charger: (p) =>
    `${outlined('path d="M26 18V8M38 18V8"', p, 4)}<rect x="17" y="18" width="30" height="28" rx="6"/><path d="M32 46V58" fill="none"/>`,
  battery: () =>
    `<rect x="11" y="12" width="42" height="40" rx="7"/><path d="M35 18L25 34H32L28 46L40 29H33L37 18Z" fill="#f5c542"/>`,
  sneaker: () =>
    `<path d="M6 46V28Q6 23 11 23H22L30 31H44Q58 33 58 44V46Z"/><rect x="6" y="46" width="52" height="6" rx="2" fill="${PAPER}"/><path d="M24 27L28 31M19 27L23 31" fill="none"/>`,
  sandal: (p) =>
    `${outlined('path d="M22 40Q28 24 36 40M36 40Q42 26 48 40"', p, 4)}<path d="M8 45Q8 39 18 39H48Q57 39 57 45Q57 50 48 50H18Q8 50 8 45Z"/>`,
  jacket: () =>
    `<path d="M21 8L11 13L5 36L12 38V56H52V38L59 36L53 13L43 8L32 17Z"/><path d="M32 17V56M21 8L32 26L43 8" fill="none"/>`,
  tshirt: () => `<path d="M22 9L7 17L12 29L18 26V55H46V26L52 29L57 17L42 9Q32 16 22 9Z"/>`,
  sweater: () =>
    `<path d="M22 9L10 15L5 50H13L18 27V55H46V27L51 50H59L54 15L42 9Q32 16 22 9Z"/><path d="M18 50H46" fill="none"/>`,
  shirt: (p) =>
    `<path d="M22 9L10 15L5 50H13L18 27V55H46V27L51 50H59L54 15L42 9Z"/><path d="M22 9L32 20L42 9M32 20V55" fill="none"/><circle cx="35" cy="30" r="1.5" fill="${p.detail}"/><circle cx="35" cy="40" r="1.5" fill="${p.detail}"/>`,
  hat: () =>
    `<path d="M11 40Q11 16 32 16Q53 16 53 40Z"/><path d="M40 40H60Q60 47 51 47H38Z"/><circle cx="32" cy="15" r="3"/>`,
  scarf: () =>
    `<path d="M14 10Q32 20 50 10V21Q32 31 14 21Z"/><path d="M34 22H45V54H34Z"/><path d="M36 54V59M40 54V59M44 54V59" fill="none"/>`,
  watch: () =>
    `<rect x="24" y="4" width="16" height="56" rx="4"/><circle cx="32" cy="32" r="13" fill="${PAPER}"/><path d="M32 32V24M32 32L38 35" fill="none"/>`,
  handbag: (p) =>
    `${outlined('path d="M22 26Q22 10 32 10Q42 10 42 26"', p, 3)}<path d="M11 24H53L48 55H16Z"/><path d="M13 33H51" fill="none"/>`,
  book: (p) =>
    `<rect x="14" y="6" width="38" height="52" rx="2"/><rect x="14" y="6" width="7" height="52" fill="${p.detail}"/><rect x="25" y="14" width="22" height="16" rx="1" fill="${PAPER}"/><path d="M29 20H43M29 25H38" fill="none"/>`,
  dumbbell: () =>
    `<rect x="14" y="29" width="36" height="6" rx="2" fill="#8a8f96"/><rect x="6" y="17" width="12" height="30" rx="3"/><rect x="46" y="17" width="12" height="30" rx="3"/>`,
  band: (p) =>
    `${outlined('ellipse cx="32" cy="32" rx="22" ry="13"', p, 6)}${outlined('path d="M10 32H4M54 32H60"', p, 6)}`,
  roller: () =>
    `<rect x="8" y="20" width="42" height="24" rx="4"/><ellipse cx="50" cy="32" rx="6" ry="12"/><path d="M18 20V44M28 20V44M38 20V44" fill="none"/>`,
  sock: () =>
    `<path d="M22 6H38V35L49 41Q57 47 51 54Q46 58 38 53L24 45Q22 43 22 39Z"/><path d="M22 14H38" fill="none"/>`,
  bicycle: (p) =>
    `<circle cx="15" cy="42" r="11" fill="none"/><circle cx="49" cy="42" r="11" fill="none"/>${outlined('path d="M15 42L25 24H44L49 42M25 24L32 42H15M32 42L44 24M21 20H29M41 18H48"', p, 3)}`,
  helmet: () =>
    `<path d="M7 42Q7 14 32 14Q57 14 57 42Z"/><path d="M22 21V32M32 17V30M42 21V32M20 42L26 52H38L44 42" fill="none"/>`,
  ball: (p) =>
    `<circle cx="32" cy="32" r="22"/><path d="M32 24L40 30L37 39H27L24 30Z" fill="${p.detail}"/><path d="M32 24V11M40 30L52 26M37 39L45 50M27 39L19 50M24 30L12 26" fill="none"/>`,
  basketball: () =>
    `<circle cx="32" cy="32" r="22"/><path d="M10 32H54M32 10V54M17 16Q27 32 17 48M47 16Q37 32 47 48" fill="none"/>`,
  tennisball: () =>
    `<circle cx="32" cy="32" r="20"/><path d="M15 21Q26 32 15 43M49 21Q38 32 49 43" fill="none" stroke="${PAPER}" stroke-width="2.5"/>`,
  racket: (p) =>
    `<rect x="29" y="40" width="6" height="20" rx="2"/><ellipse cx="32" cy="23" rx="15" ry="18" fill="${PAPER}"/><path d="M21 15H43M18 23H46M21 31H43M26 7V39M32 5V41M38 7V39" fill="none" stroke-width="1"/>${outlined('ellipse cx="32" cy="23" rx="15" ry="18"', p, 4)}`,
  blocks: (p) =>
    `<rect x="8" y="34" width="24" height="18" rx="2"/><rect x="32" y="34" width="24" height="18" rx="2" fill="${p.detail}"/><rect x="20" y="16" width="24" height="18" rx="2"/><path d="M25 16V12H31V16M33 16V12H39V16" fill="none"/>`,
  rocket: (p) =>
    `<path d="M32 4Q45 17 43 42H21Q19 17 32 4Z"/><path d="M21 34L12 48H22M43 34L52 48H42" fill="${p.detail}"/><circle cx="32" cy="22" r="5" fill="${GLASS}"/><path d="M27 44Q32 60 37 44Z" fill="${FLAME}"/>`,
  dice: (p) =>
    `<rect x="8" y="24" width="26" height="26" rx="5"/><rect x="32" y="12" width="24" height="24" rx="5"/><circle cx="15" cy="31" r="2.5" fill="${p.detail}"/><circle cx="27" cy="43" r="2.5" fill="${p.detail}"/><circle cx="44" cy="24" r="2.5" fill="${p.detail}"/>`,
  puzzle: () =>
    `<path d="M12 20H25Q25 10 32 10Q39 10 39 20H52V32Q60 32 60 39Q60 46 52 46V56H12V46Q21 46 21 39Q21 32 12 32Z"/>`,
  cards: (p) =>
    `<rect x="10" y="14" width="28" height="40" rx="3" transform="rotate(-12 24 34)"/><rect x="26" y="10" width="28" height="40" rx="3" fill="${PAPER}"/><path d="M40 22Q44 28 40 36Q36 28 40 22Z" fill="${p.main}"/>`,
  teddy: (p) =>
    `<circle cx="19" cy="14" r="7"/><circle cx="45" cy="14" r="7"/><ellipse cx="32" cy="47" rx="15" ry="13"/><circle cx="32" cy="25" r="14"/><ellipse cx="32" cy="30" rx="6" ry="4" fill="${PAPER}"/><circle cx="27" cy="22" r="2" fill="${p.detail}"/><circle cx="37" cy="22" r="2" fill="${p.detail}"/>`,
  doll: (p) =>
    `<path d="M22 26H42L51 56H13Z"/><circle cx="32" cy="16" r="10" fill="#f1c9a5"/><path d="M22 16Q22 5 32 5Q42 5 42 16Q37 9 32 11Q27 9 22 16Z" fill="${p.detail}"/>`,
  kite: () =>
    `<path d="M32 4L51 24L32 46L13 24Z"/><path d="M32 4V46M13 24H51M32 46Q26 52 32 56Q38 60 32 62" fill="none"/>`,
  scooter: (p) =>
    `${outlined('path d="M12 46H44L41 10M34 10H48"', p, 4)}<circle cx="14" cy="50" r="6"/><circle cx="46" cy="50" r="6"/>`,
  planter: () =>
    `<path d="M32 28Q19 25 17 11Q30 13 32 28ZM32 28Q45 25 47 11Q34 13 32 28Z" fill="${LEAF}"/><rect x="13" y="27" width="38" height="7" rx="2"/><path d="M16 34H48L44 56H20Z"/>`,
  seeds: (p) =>
    `<rect x="15" y="6" width="34" height="52" rx="3"/><circle cx="32" cy="24" r="9" fill="${PAPER}"/><circle cx="32" cy="24" r="4" fill="${p.detail}"/><path d="M32 33V48M32 42L38 37" fill="none" stroke="${LEAF}" stroke-width="2"/>`,
  plant: () =>
    `<path d="M32 38Q13 31 15 12Q30 18 32 38ZM32 38Q51 31 49 12Q34 18 32 38ZM32 38Q27 20 32 5Q37 20 32 38Z" fill="${LEAF}"/><path d="M19 38H45L41 57H23Z"/>`,
  sack: () =>
    `<path d="M16 14Q32 20 48 14L53 56H11Z"/><path d="M32 46Q24 38 32 28Q40 38 32 46Z" fill="${LEAF}"/>`,
  shears: (p) =>
    `<path d="M26 38L41 7M38 38L23 7" fill="none" stroke="${METAL}" stroke-width="4"/>${outlined('ellipse cx="21" cy="47" rx="9" ry="7"', p, 4)}${outlined('ellipse cx="43" cy="47" rx="9" ry="7"', p, 4)}<circle cx="32" cy="26" r="2"/>`,
  wateringcan: (p) =>
    `${outlined('path d="M22 24Q30 10 38 24"', p, 3)}${outlined('path d="M44 44L56 24"', p, 5)}<rect x="52" y="18" width="8" height="6" rx="1"/><rect x="14" y="24" width="32" height="30" rx="4"/>`,
  shovel: () =>
    `<path d="M32 8V36" fill="none" stroke="${WOOD}" stroke-width="5"/><path d="M25 8H39" fill="none" stroke-width="3"/><path d="M21 36H43V48Q32 62 21 48Z"/>`,
  glove: () =>
    `<path d="M19 56V34L13 23Q12 18 17 18L22 27V13Q22 9 26 9Q30 9 30 13V27V9Q30 5 34 5Q38 5 38 9V27V12Q38 8 42 8Q46 8 46 12V40Q46 50 41 56Z"/><path d="M19 49H43" fill="none"/>`,
  chair: (p) =>
    `${outlined('path d="M19 36V56M46 36V56"', p, 4)}<rect x="15" y="7" width="9" height="29" rx="2"/><rect x="15" y="30" width="35" height="7" rx="2"/>`,
  parasol: () =>
    `<path d="M32 28V58M24 58H40" fill="none" stroke-width="3"/><path d="M6 30Q32 2 58 30Q51 26 45 30Q39 26 32 30Q25 26 19 30Q13 26 6 30Z"/>`,
  hammock: (p) =>
    `${outlined('path d="M8 20L3 10M56 20L61 10"', p, 3)}<path d="M8 20Q32 58 56 20Q32 42 8 20Z"/>`,
  box: (p) =>
    `<rect x="10" y="16" width="44" height="38" rx="3"/><path d="M10 26H54" fill="none"/><rect x="28" y="16" width="8" height="10" fill="${p.detail}"/>`,
} satisfies Record<string, Draw>;

/** Name of a pictogram in {@link PICTOGRAMS}. */
export type PictogramShape = keyof typeof PICTOGRAMS;

/** Draws the body of pictogram `shape` with `paint`. */
export function drawPictogram(shape: PictogramShape, paint: PictogramPaint): string {
  return (PICTOGRAMS[shape] as Draw)(paint);
}
