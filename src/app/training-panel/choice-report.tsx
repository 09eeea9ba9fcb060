import type { ComputeChoiceReport } from '../../core/compute/choose-compute-path';
import { formatDuration } from '../format';
import { PATH_LABELS } from './compute-paths';

/** What happened to one candidate, in words. */
export function candidateDecision(
  candidate: ComputeChoiceReport['candidates'][number],
  chosen: string,
): string {
  if (candidate.name === chosen) {
    return candidate.warmupMs !== undefined
      ? `chosen: ${candidate.warmupMs.toFixed(1)} ms per warm-up epoch`
      : 'chosen';
  }
  if (candidate.skipReason !== undefined) return `skipped: ${candidate.skipReason}`;
  if (candidate.warmupMs !== undefined) {
    return `measured ${candidate.warmupMs.toFixed(1)} ms per warm-up epoch: slower`;
  }
  return 'not used';
}

/** The compute path the run chose and why, with every candidate's verdict. */
export function ChoiceReport({ report }: { readonly report: ComputeChoiceReport }) {
  return (
    <section className="choice" aria-labelledby="choice-title">
      <h3 id="choice-title">
        Compute path: <span data-testid="chosen-path">{report.chosen}</span>
      </h3>
      <p>
        Why: {report.reason}. Deciding took {formatDuration(report.elapsedMs)}.
      </p>
      <table className="choice__table">
        <caption className="visually-hidden">Compute path candidates</caption>
        <thead>
          <tr>
            <th scope="col">Candidate</th>
            <th scope="col">Offered here</th>
            <th scope="col">Decision</th>
          </tr>
        </thead>
        <tbody>
          {report.candidates.map((candidate) => (
            <tr
              key={candidate.name}
              className={candidate.name === report.chosen ? 'choice__chosen' : undefined}
            >
              <th scope="row">{PATH_LABELS[candidate.name]}</th>
              <td>{candidate.available ? 'yes' : 'no'}</td>
              <td>{candidateDecision(candidate, report.chosen)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
