/**
 * Outcomes of simulated shoppers shown experiment rows: each visitor's row chances under each arm
 * (from `createShopperChoice`) plus what the visitor does anyway (organic carts and purchases from
 * its own simulated sessions), drawn per visitor for simulated experiments, and their exact
 * expectations — the experiment's true effects.
 */
import type { RowChances } from '../../src/core/demo-data/index';
import type { Rng } from '../../src/core/random';
import type { SimulatedVisitorSource } from '../../src/core/experiments/index';

/** What a visitor does without any recommendation row, in and before the experiment window. */
export interface OrganicOutcome {
  /** 1 when the visitor's own sessions add something to the cart during the experiment. */
  readonly cart: number;
  /** Revenue of the visitor's own purchases during the experiment. */
  readonly revenue: number;
  /** Add-to-cart (0/1) and revenue in the pre-period (the CUPED covariates). */
  readonly preCart: number;
  readonly preRevenue: number;
}

/** A population of visitors and, per arm, the chances of each visitor's row. */
export interface VisitorOutcomes {
  readonly organic: readonly OrganicOutcome[];
  /** `rows[arm][visitor]`: the row that arm shows that visitor (empty for a holdout). */
  readonly rows: readonly (readonly RowChances[])[];
}

/** Expected value per exposed visitor of each simulated metric under one arm. */
export interface ArmExpectation {
  readonly rowClick: number;
  readonly addToCart: number;
  /** Revenue per visitor, winsorized at the cap given to {@link expectedOutcomes}. */
  readonly revenue: number;
}

/**
 * A visitor source for `simulateExperiment`: each visitor is drawn uniformly from the population
 * (with replacement), shown its row under the arm, and clicks, carts and buys each product by its
 * chances; organic carts and revenue are added to the row's.
 */
export function shopperVisitorSource(population: VisitorOutcomes): SimulatedVisitorSource {
  const count = population.organic.length;
  return (armIndex: number, rng: Rng, outcome: Float64Array, pre: Float64Array) => {
    const v = rng.int(count);
    const organic = population.organic[v]!;
    const row = population.rows[armIndex]?.[v];
    let clicks = 0;
    let carts = organic.cart;
    let revenue = organic.revenue;
    if (row !== undefined) {
      for (let r = 0; r < row.click.length; r++) {
        // One uniform per product: a purchase implies a cart implies a click.
        const u = rng.next();
        if (u >= row.click[r]!) continue;
        clicks++;
        if (u >= row.cart[r]!) continue;
        carts++;
        if (u < row.purchase[r]!) revenue += row.price[r]!;
      }
    }
    outcome[0] = clicks;
    outcome[1] = carts;
    outcome[2] = revenue;
    pre[0] = 0;
    pre[1] = organic.preCart;
    pre[2] = organic.preRevenue;
  };
}

/** E[min(cap, base + Σ purchased prices)] over the independent purchases of a row, exactly. */
function expectedCappedRevenue(base: number, row: RowChances, cap: number): number {
  const buys: number[] = [];
  for (let r = 0; r < row.purchase.length; r++) if (row.purchase[r]! > 0) buys.push(r);
  let expected = 0;
  for (let mask = 0; mask < 1 << buys.length; mask++) {
    let p = 1;
    let total = base;
    buys.forEach((r, b) => {
      const q = row.purchase[r]!;
      if (mask & (1 << b)) {
        p *= q;
        total += row.price[r]!;
      } else {
        p *= 1 - q;
      }
    });
    expected += p * Math.min(cap, total);
  }
  return expected;
}

/**
 * Exact expected outcome per visitor under each arm, averaged over the population: the chance of
 * at least one row click, of at least one add-to-cart (organic or from the row), and the expected
 * revenue capped at `revenueCap` — the values the simulated experiments estimate.
 */
export function expectedOutcomes(
  population: VisitorOutcomes,
  revenueCap: number,
): ArmExpectation[] {
  const n = population.organic.length;
  return population.rows.map((rows) => {
    let rowClick = 0;
    let addToCart = 0;
    let revenue = 0;
    population.organic.forEach((organic, v) => {
      const row = rows[v];
      let noClick = 1;
      let noCart = 1;
      for (let r = 0; row !== undefined && r < row.click.length; r++) {
        noClick *= 1 - row.click[r]!;
        noCart *= 1 - row.cart[r]!;
      }
      rowClick += 1 - noClick;
      addToCart += organic.cart > 0 ? 1 : 1 - noCart;
      revenue +=
        row === undefined
          ? Math.min(revenueCap, organic.revenue)
          : expectedCappedRevenue(organic.revenue, row, revenueCap);
    });
    return { rowClick: rowClick / n, addToCart: addToCart / n, revenue: revenue / n };
  });
}
