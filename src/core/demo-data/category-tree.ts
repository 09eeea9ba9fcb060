import type { DemoCategorySpec, DemoDepartmentSpec, DemoSubcategorySpec } from './demo-departments';
import { DEMO_DEPARTMENTS } from './demo-departments';

/** A subcategory with its place in the tree. */
export interface DemoLeaf {
  /** Position in {@link DEMO_LEAVES}. */
  readonly index: number;
  /** `[department, category, subcategory]`. */
  readonly path: readonly [string, string, string];
  /** The path joined with ` > `, e.g. `Home > Kitchen > Knives`. */
  readonly key: string;
  readonly departmentIndex: number;
  readonly department: DemoDepartmentSpec;
  readonly category: DemoCategorySpec;
  readonly subcategory: DemoSubcategorySpec;
}

/**
 * Pairs of subcategories bought together (a tent and a sleeping bag, a knife and a cutting board).
 * The shopper simulator follows these links when a shopper fills a basket.
 */
export const DEMO_COMPLEMENTS: readonly (readonly [string, string])[] = [
  ['Home > Kitchen > Knives', 'Home > Kitchen > Cutting Boards'],
  ['Home > Kitchen > Cookware', 'Books > Non-fiction > Cookbooks'],
  ['Home > Kitchen > Coffee Makers', 'Home > Kitchen > Mugs'],
  ['Home > Bedding > Duvets', 'Home > Bedding > Pillows'],
  ['Home > Bedding > Duvets', 'Home > Bedding > Bed Sheets'],
  ['Home > Bath > Towels', 'Home > Bath > Bath Accessories'],
  ['Home > Decor > Vases', 'Garden > Plants & Pots > Indoor Plants'],
  ['Outdoor > Camping > Tents', 'Outdoor > Camping > Sleeping Bags'],
  ['Outdoor > Camping > Sleeping Bags', 'Outdoor > Camping > Sleeping Pads'],
  ['Outdoor > Camping > Tents', 'Outdoor > Camping > Lanterns'],
  ['Outdoor > Camping > Camp Kitchen', 'Outdoor > Essentials > Water Bottles'],
  ['Outdoor > Hiking > Backpacks', 'Outdoor > Essentials > Water Bottles'],
  ['Outdoor > Hiking > Backpacks', 'Outdoor > Essentials > Dry Bags'],
  ['Outdoor > Hiking > Hiking Boots', 'Outdoor > Hiking > Trekking Poles'],
  ['Outdoor > Essentials > Headlamps', 'Outdoor > Hiking > Backpacks'],
  ['Electronics > Computing > Laptops', 'Electronics > Computing > Mice'],
  ['Electronics > Computing > Laptops', 'Electronics > Computing > Laptop Bags'],
  ['Electronics > Computing > Keyboards', 'Electronics > Computing > Mice'],
  ['Electronics > Photography > Cameras', 'Electronics > Photography > Lenses'],
  ['Electronics > Photography > Cameras', 'Electronics > Photography > Memory Cards'],
  ['Electronics > Photography > Cameras', 'Electronics > Photography > Tripods'],
  ['Electronics > Mobile > Phone Cases', 'Electronics > Mobile > Chargers'],
  ['Electronics > Mobile > Power Banks', 'Electronics > Mobile > Chargers'],
  ['Electronics > Audio > Earbuds', 'Electronics > Mobile > Phone Cases'],
  ['Fashion > Outerwear > Jackets', 'Fashion > Accessories > Scarves'],
  ['Fashion > Outerwear > Raincoats', 'Fashion > Accessories > Hats'],
  ['Fashion > Footwear > Boots', 'Fashion > Tops > Sweaters'],
  ['Books > Non-fiction > Travel Guides', 'Outdoor > Hiking > Backpacks'],
  ['Books > Non-fiction > Gardening', 'Garden > Plants & Pots > Seeds'],
  ['Books > Children > Picture Books', 'Toys > Plush & Dolls > Teddy Bears'],
  ['Sports > Fitness > Yoga Mats', 'Sports > Fitness > Foam Rollers'],
  ['Sports > Fitness > Yoga Mats', 'Sports > Fitness > Resistance Bands'],
  ['Sports > Running > Running Shoes', 'Sports > Running > Running Socks'],
  ['Sports > Running > Running Shoes', 'Sports > Running > Sports Watches'],
  ['Sports > Cycling > Bikes', 'Sports > Cycling > Helmets'],
  ['Sports > Cycling > Bikes', 'Sports > Cycling > Bike Lights'],
  ['Sports > Racket & Ball > Tennis Rackets', 'Sports > Racket & Ball > Tennis Balls'],
  ['Toys > Building > Building Blocks', 'Toys > Building > Model Kits'],
  ['Toys > Outdoor Play > Scooters', 'Sports > Cycling > Helmets'],
  ['Garden > Plants & Pots > Planters', 'Garden > Plants & Pots > Potting Soil'],
  ['Garden > Plants & Pots > Indoor Plants', 'Garden > Plants & Pots > Planters'],
  ['Garden > Plants & Pots > Seeds', 'Garden > Plants & Pots > Potting Soil'],
  ['Garden > Garden Tools > Pruners', 'Garden > Garden Tools > Gloves'],
  ['Garden > Garden Tools > Shovels', 'Garden > Garden Tools > Gloves'],
  ['Garden > Garden Furniture > Chairs', 'Garden > Garden Furniture > Parasols'],
];

/** Separator of category path keys, as the catalog parser splits them. */
export const PATH_SEPARATOR = ' > ';

/** Flattens departments into their subcategories, in tree order. */
export function listLeaves(departments: readonly DemoDepartmentSpec[]): DemoLeaf[] {
  const leaves: DemoLeaf[] = [];
  departments.forEach((department, departmentIndex) => {
    for (const category of department.categories) {
      for (const subcategory of category.subcategories) {
        const path = [department.name, category.name, subcategory.name] as const;
        leaves.push({
          index: leaves.length,
          path,
          key: path.join(PATH_SEPARATOR),
          departmentIndex,
          department,
          category,
          subcategory,
        });
      }
    }
  });
  return leaves;
}

/** Every subcategory of {@link DEMO_DEPARTMENTS}. */
export const DEMO_LEAVES: readonly DemoLeaf[] = listLeaves(DEMO_DEPARTMENTS);

const LEAF_BY_KEY = new Map(DEMO_LEAVES.map((leaf) => [leaf.key, leaf]));

/** The demo subcategory at a category path (`['Home', 'Kitchen', 'Knives']`), if any. */
export function findLeaf(path: readonly string[] | undefined): DemoLeaf | undefined {
  return path === undefined ? undefined : LEAF_BY_KEY.get(path.join(PATH_SEPARATOR));
}

/**
 * Complements of each leaf of {@link DEMO_LEAVES} (indices, both directions of every link).
 *
 * @throws RangeError when a link names a path outside the tree (a bug in {@link DEMO_COMPLEMENTS}).
 */
export function complementNeighbours(): Int32Array[] {
  const lists: number[][] = DEMO_LEAVES.map(() => []);
  for (const [a, b] of DEMO_COMPLEMENTS) {
    const left = LEAF_BY_KEY.get(a);
    const right = LEAF_BY_KEY.get(b);
    if (left === undefined || right === undefined) {
      throw new RangeError(`DEMO_COMPLEMENTS names an unknown subcategory: "${left ? b : a}".`);
    }
    lists[left.index]!.push(right.index);
    lists[right.index]!.push(left.index);
  }
  return lists.map((list) => Int32Array.from(list));
}
