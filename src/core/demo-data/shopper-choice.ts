import { OptionError } from '../errors';
import type { DemoCatalog } from './catalog-generator';
import {
  cartChance,
  CHECKOUT_CHANCE,
  clickChance,
  KEEP_CHANCE,
  productAffinity,
  productDepartments,
  type ShopperTaste,
} from './shopper-taste';

/**
 * Chance that a shopper looks at the card at position 0 of a recommendation row, for a product of
 * their favourite subcategory; each later position is looked at {@link ROW_ATTENTION_DECAY} times
 * as often (attention falls off along a row).
 */
export const ROW_ATTENTION = 0.5;
/** Factor of attention from one position of a row to the next. */
export const ROW_ATTENTION_DECAY = 0.85;

/**
 * What a shopper does with each product of a shown row, by position: the chance of a click, of an
 * add-to-cart and of a purchase (each unconditional), and the price paid. Positions act
 * independently.
 */
export interface RowChances {
  readonly click: Float64Array;
  readonly cart: Float64Array;
  readonly purchase: Float64Array;
  readonly price: Float64Array;
}

/** Options of {@link createShopperChoice}. */
export interface ShopperChoiceOptions {
  /** The catalog the shoppers were simulated on. */
  readonly catalog: DemoCatalog;
}

/** Asks simulated shoppers what they would do with a row of products. */
export interface ShopperChoice {
  /**
   * The chances that the shopper with `taste` clicks, carts and buys each product of `row`
   * (catalog indices, in the order shown). Deterministic: the same taste and row give the same
   * chances.
   *
   * @throws OptionError when a row entry is not a catalog index.
   */
  rowChances(taste: ShopperTaste, row: ArrayLike<number>): RowChances;
}

/**
 * The demo shoppers' reaction to a recommendation row, from the preference model their sessions
 * use. A shopper looks at the card at position r with chance `ROW_ATTENTION · DECAYʳ` times their
 * interest in the product's subcategory (relative to their favourite one); having looked, they
 * click, add to cart and check out by the session's own rules (`clickChance`, `cartChance`,
 * checkout and keep chances), where `relative` is how much they like the product against the
 * product they like best in its subcategory. Out-of-stock products can be clicked and carted but
 * not bought.
 */
export function createShopperChoice(options: ShopperChoiceOptions): ShopperChoice {
  const { catalog } = options;
  const { traits, itemsByLeaf } = catalog;
  const count = traits.leaf.length;
  const departments = productDepartments(traits);
  const prices = Float64Array.from(catalog.items, (item) => item.price ?? 0);
  return {
    rowChances(taste, row) {
      const n = row.length;
      const out: RowChances = {
        click: new Float64Array(n),
        cart: new Float64Array(n),
        purchase: new Float64Array(n),
        price: new Float64Array(n),
      };
      const { leafCdf } = taste;
      let maxInterest = 0;
      for (let l = 0; l < leafCdf.length; l++) {
        maxInterest = Math.max(maxInterest, leafCdf[l]! - (l > 0 ? leafCdf[l - 1]! : 0));
      }
      const bestInLeaf = new Map<number, number>();
      for (let r = 0; r < n; r++) {
        const i = row[r]!;
        if (!Number.isInteger(i) || i < 0 || i >= count) {
          throw new OptionError(
            `rowChances: row[${r}] = ${i} is not a catalog index (0 … ${count - 1}).`,
          );
        }
        const leaf = traits.leaf[i]!;
        let best = bestInLeaf.get(leaf);
        if (best === undefined) {
          best = 0;
          for (const j of itemsByLeaf[leaf]!)
            best = Math.max(best, productAffinity(traits, departments, taste, j));
          bestInLeaf.set(leaf, best);
        }
        const relative = best > 0 ? productAffinity(traits, departments, taste, i) / best : 0;
        const interest = (leafCdf[leaf]! - (leaf > 0 ? leafCdf[leaf - 1]! : 0)) / maxInterest;
        const look = ROW_ATTENTION * ROW_ATTENTION_DECAY ** r * interest;
        const click = look * clickChance(relative);
        const cart = click * cartChance(relative);
        out.click[r] = click;
        out.cart[r] = cart;
        out.purchase[r] = traits.inStock[i] ? cart * CHECKOUT_CHANCE * KEEP_CHANCE : 0;
        out.price[r] = prices[i]!;
      }
      return out;
    },
  };
}
