import type { ImportReport } from '../../core/data/parse';
import { formatCount } from '../format';

/** Names of the detected formats. */
const FORMAT_NAMES: Record<ImportReport['format'], string> = {
  csv: 'CSV',
  tsv: 'TSV',
  jsonl: 'JSON Lines',
  whitespace: 'whitespace-separated columns',
  movielens: 'MovieLens',
};

/** The row-level outcome of an import: counts, then each rejected row with its line and reason. */
export function ImportReportView({
  report,
  title = 'Import report',
}: {
  readonly report: ImportReport;
  readonly title?: string;
}) {
  const listed = report.errors.length;
  return (
    <section className="import-report" aria-label={title} data-testid="import-report">
      <h3>{title}</h3>
      <p role="status">
        Read as <strong>{FORMAT_NAMES[report.format]}</strong>:{' '}
        <span data-testid="accepted-rows">{formatCount(report.acceptedRows)}</span> of{' '}
        {formatCount(report.totalRows)} rows imported,{' '}
        <span data-testid="rejected-rows">{formatCount(report.rejectedRows)}</span> rejected.
        {report.rejectedRows > 0 ? ' The good rows were kept.' : ''}
      </p>
      {listed > 0 ? (
        <table className="import-report__errors">
          <caption>
            Rejected rows{report.truncatedErrors > 0 ? ` (first ${formatCount(listed)})` : ''}
          </caption>
          <thead>
            <tr>
              <th scope="col">Line</th>
              <th scope="col">Problem</th>
            </tr>
          </thead>
          <tbody>
            {report.errors.map((error, i) => (
              <tr key={`${error.line}-${i}`}>
                <td>{error.line}</td>
                <td>{error.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {report.truncatedErrors > 0 ? (
        <p>… and {formatCount(report.truncatedErrors)} more rejected rows not listed.</p>
      ) : null}
    </section>
  );
}
