import type { MetricValues } from '../../core/eval/evaluate';

/** Metrics shown, as `runEvaluation` names them. */
export const EVAL_METRICS = [
  { key: 'recall@10', label: 'Recall@10' },
  { key: 'ndcg@10', label: 'NDCG@10' },
] as const;

const W = 420;
const H = 200;
const PAD = { left: 44, right: 12, top: 16, bottom: 40 };

/** How much better the model is than popularity on a metric, as "+83%" (or "—"). */
export function liftText(model: number, popularity: number): string {
  if (!(popularity > 0) || !Number.isFinite(model)) return '—';
  const lift = model / popularity - 1;
  return `${lift >= 0 ? '+' : '−'}${Math.abs(lift * 100).toFixed(0)}%`;
}

/** Grouped bars: the trained model vs the popularity baseline on held-out events, plus a table. */
export function EvalChart({
  model,
  popularity,
}: {
  readonly model: MetricValues;
  readonly popularity: MetricValues;
}) {
  const values = EVAL_METRICS.flatMap(({ key }) => [model[key] ?? 0, popularity[key] ?? 0]);
  const top = Math.max(...values, 1e-6);
  const plotH = H - PAD.top - PAD.bottom;
  const groupW = (W - PAD.left - PAD.right) / EVAL_METRICS.length;
  const barW = groupW / 3;
  const summary = EVAL_METRICS.map(
    ({ key, label }) =>
      `${label}: model ${(model[key] ?? 0).toFixed(3)}, popularity ${(popularity[key] ?? 0).toFixed(3)}`,
  ).join('; ');
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary} className="chart__svg">
        <line
          className="chart__axis"
          x1={PAD.left}
          y1={H - PAD.bottom}
          x2={W - PAD.right}
          y2={H - PAD.bottom}
        />
        {EVAL_METRICS.map(({ key, label }, g) => {
          const x0 = PAD.left + g * groupW + barW / 2;
          const bars = [
            { name: 'model', value: model[key] ?? 0, className: 'chart__bar--model' },
            { name: 'popularity', value: popularity[key] ?? 0, className: 'chart__bar--baseline' },
          ];
          return (
            <g key={key}>
              {bars.map((bar, b) => {
                const h = (bar.value / top) * plotH;
                const x = x0 + b * barW;
                const y = PAD.top + plotH - h;
                return (
                  <g key={bar.name}>
                    <rect
                      className={`chart__bar ${bar.className}`}
                      x={x}
                      y={y}
                      width={barW - 4}
                      height={h}
                    />
                    <text
                      className="chart__value"
                      x={x + (barW - 4) / 2}
                      y={y - 4}
                      textAnchor="middle"
                    >
                      {bar.value.toFixed(3)}
                    </text>
                  </g>
                );
              })}
              <text
                className="chart__tick"
                x={x0 + barW}
                y={H - PAD.bottom + 16}
                textAnchor="middle"
              >
                {label}
              </text>
            </g>
          );
        })}
        <rect
          className="chart__bar chart__bar--model"
          x={PAD.left}
          y={H - 14}
          width={10}
          height={10}
        />
        <text className="chart__tick" x={PAD.left + 14} y={H - 5}>
          trained model
        </text>
        <rect
          className="chart__bar chart__bar--baseline"
          x={PAD.left + 130}
          y={H - 14}
          width={10}
          height={10}
        />
        <text className="chart__tick" x={PAD.left + 144} y={H - 5}>
          popularity baseline
        </text>
      </svg>
      <table className="metrics-table">
        <caption>Held-out evaluation (random split, same seed as training)</caption>
        <thead>
          <tr>
            <th scope="col">Metric</th>
            <th scope="col">Trained model</th>
            <th scope="col">Popularity</th>
            <th scope="col">Lift</th>
          </tr>
        </thead>
        <tbody>
          {EVAL_METRICS.map(({ key, label }) => (
            <tr key={key}>
              <th scope="row">{label}</th>
              <td>{(model[key] ?? NaN).toFixed(3)}</td>
              <td>{(popularity[key] ?? NaN).toFixed(3)}</td>
              <td>{liftText(model[key] ?? NaN, popularity[key] ?? NaN)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
