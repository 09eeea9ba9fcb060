import { contentTowerFromState } from '../models/content/content-tower-model';
import { corrupt, decodeServingBundle } from './decode-bundle';
import type { ModelBundle } from './model-bundle';

/**
 * Reads a bundle written by `encodeBundle` (`./bundle-file`). The container validates length, version and
 * checksum; this validates every shape, so a bundle is either complete or not returned at all.
 */
export function decodeBundle(bytes: Uint8Array | ArrayBuffer): ModelBundle {
  return withContentTower(decodeServingBundle(bytes));
}

/**
 * The bundle with its content tower built from `contentTowerState` (unchanged when it has none or
 * the tower is built already).
 */
export function withContentTower(bundle: ModelBundle): ModelBundle {
  if (bundle.contentTower || !bundle.contentTowerState) return bundle;
  const { json, tensors } = bundle.contentTowerState;
  try {
    return { ...bundle, contentTower: contentTowerFromState(json, tensors) };
  } catch (error) {
    throw corrupt(`content tower: ${error instanceof Error ? error.message : String(error)}`);
  }
}
