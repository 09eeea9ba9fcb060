/**
 * Reading a file of experiment definitions — what `hearth-recs server --experiments FILE` serves
 * and `hearth-recs experiment validate FILE` checks. Browser-safe: the caller reads the text.
 */
import { jsonErrorDetail } from '../core/data/display-text';
import { HearthError, OptionError } from '../core/errors';
import {
  reportNoiseMultiplier,
  validateExperimentDefinition,
  type ExperimentDefinition,
} from '../core/experiments';
import { EXPERIMENT_PROTOCOL_VERSION } from './experiment-protocol';

/**
 * Parses the text of `file`: an `ExperimentsDocument` (`{"protocol": 1, "experiments": [...]}`),
 * a list of definitions, or one definition. Every definition is validated (and its privacy
 * setting turned into a noise multiplier); ids must not repeat. Throws `OptionError` naming the
 * file and the field, e.g. `experiments.json: experiments[1]: Experiment definition: arms[0].weight …`.
 */
export function parseExperimentsDocument(text: string, file: string): ExperimentDefinition[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new OptionError(`${file}: not valid JSON (${jsonErrorDetail(error)}).`);
  }
  let list: unknown;
  let field = 'experiments';
  if (Array.isArray(parsed)) {
    list = parsed;
    field = '';
  } else if (typeof parsed === 'object' && parsed !== null && 'experiments' in parsed) {
    const protocol = (parsed as { protocol?: unknown }).protocol;
    if (protocol !== undefined && protocol !== EXPERIMENT_PROTOCOL_VERSION) {
      throw new OptionError(
        `${file}: protocol is ${JSON.stringify(protocol)}; this version reads protocol ${EXPERIMENT_PROTOCOL_VERSION}.`,
      );
    }
    list = (parsed as { experiments: unknown }).experiments;
  } else if (typeof parsed === 'object' && parsed !== null) {
    list = [parsed];
    field = '';
  }
  if (!Array.isArray(list)) {
    throw new OptionError(
      `${file}: expected {"protocol": 1, "experiments": [...]}, a list of definitions or one definition.`,
    );
  }
  const ids = new Set<string>();
  return list.map((definition: ExperimentDefinition, i) => {
    const where = `${file}: ${field}[${i}]`;
    try {
      if (typeof definition !== 'object' || definition === null || Array.isArray(definition)) {
        throw new OptionError('must be a JSON object.');
      }
      validateExperimentDefinition(definition);
      reportNoiseMultiplier(definition);
    } catch (error) {
      if (!(error instanceof HearthError)) throw error;
      throw new OptionError(`${where}: ${error.message}`);
    }
    if (ids.has(definition.id)) throw new OptionError(`${where}.id: "${definition.id}" repeats.`);
    ids.add(definition.id);
    return definition;
  });
}
