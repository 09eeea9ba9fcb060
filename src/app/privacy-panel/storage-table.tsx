import type { StorageReport } from '../../storage';
import { formatBytes, formatCount } from '../format';

/** Sum of the bytes of every store in a report. */
export function totalBytes(report: StorageReport): number {
  return Object.values(report.bytes).reduce((sum, n) => sum + n, 0);
}

/** What one database holds: count and approximate bytes per store. */
export function StorageTable({
  report,
  caption,
  testId,
}: {
  readonly report: StorageReport;
  readonly caption: string;
  readonly testId: string;
}) {
  const rows = [
    {
      name: 'Events (interactions)',
      count: report.interactions,
      bytes: report.bytes.interactions,
      key: 'interactions',
    },
    {
      name: 'Catalog items',
      count: report.catalogItems,
      bytes: report.bytes.catalog,
      key: 'catalog',
    },
    { name: 'Models', count: report.models, bytes: report.bytes.models, key: 'models' },
    {
      name: 'Training checkpoints',
      count: report.checkpoints,
      bytes: report.bytes.checkpoints,
      key: 'checkpoints',
    },
    { name: 'Metadata', count: null, bytes: report.bytes.meta, key: 'meta' },
  ];
  return (
    <table className="storage-table" data-testid={testId}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Store</th>
          <th scope="col">Records</th>
          <th scope="col">Size</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.key}>
            <th scope="row">{row.name}</th>
            <td data-testid={`${testId}-${row.key}`}>
              {row.count === null ? '—' : formatCount(row.count)}
            </td>
            <td>{formatBytes(row.bytes)}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">Total</th>
          <td />
          <td>{formatBytes(totalBytes(report))}</td>
        </tr>
      </tfoot>
    </table>
  );
}
