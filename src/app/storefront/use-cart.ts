import { createContext, useContext } from 'react';

/** One cart line. */
export interface CartLine {
  readonly id: string;
  readonly quantity: number;
}

/** Cart contents, in the order items were first added. */
export type CartState = readonly CartLine[];

/** What can happen to the cart. */
export type CartAction =
  | { readonly type: 'add'; readonly id: string }
  | { readonly type: 'set-quantity'; readonly id: string; readonly quantity: number }
  | { readonly type: 'remove'; readonly id: string }
  | { readonly type: 'clear' };

/** Most of one item a cart holds (the quantity input's maximum). */
export const MAX_QUANTITY = 99;

/** The cart reducer (quantities are clamped to 1..{@link MAX_QUANTITY}; 0 removes the line). */
export function cartReducer(state: CartState, action: CartAction): CartState {
  switch (action.type) {
    case 'add': {
      const line = state.find((l) => l.id === action.id);
      if (!line) return [...state, { id: action.id, quantity: 1 }];
      return cartReducer(state, {
        type: 'set-quantity',
        id: action.id,
        quantity: line.quantity + 1,
      });
    }
    case 'set-quantity': {
      if (!Number.isFinite(action.quantity)) return state;
      const quantity = Math.min(MAX_QUANTITY, Math.floor(action.quantity));
      if (quantity <= 0) return cartReducer(state, { type: 'remove', id: action.id });
      return state.map((l) => (l.id === action.id ? { ...l, quantity } : l));
    }
    case 'remove':
      return state.filter((l) => l.id !== action.id);
    case 'clear':
      return [];
  }
}

/** Items in the cart, counting quantities. */
export const cartCount = (state: CartState): number =>
  state.reduce((sum, line) => sum + line.quantity, 0);

/** The cart and its dispatcher. Kept in memory only: nothing about it is stored. */
export interface CartContextValue {
  readonly lines: CartState;
  readonly dispatch: (action: CartAction) => void;
}

/** Context holding the cart. */
export const CartContext = createContext<CartContextValue | null>(null);

/** The cart; throws outside `App` (a programming error). */
export function useCart(): CartContextValue {
  const cart = useContext(CartContext);
  if (cart === null) throw new Error('useCart() must be called inside <App>.');
  return cart;
}
