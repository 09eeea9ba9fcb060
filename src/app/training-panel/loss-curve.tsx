/** Geometry of the chart in SVG units. */
const W = 420;
const H = 180;
const PAD = { left: 52, right: 12, top: 12, bottom: 30 };

/** SVG points of `values` (x: epoch index, y: value scaled between min and max). */
export function curvePoints(values: readonly number[], width = W, height = H): string {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return '';
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  const span = max - min || 1;
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const step = values.length > 1 ? plotW / (values.length - 1) : 0;
  return values
    .map((v, i) => {
      if (!Number.isFinite(v)) return null;
      const x = PAD.left + (values.length > 1 ? i * step : plotW / 2);
      const y = PAD.top + plotH - ((v - min) / span) * plotH;
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .filter((p): p is string => p !== null)
    .join(' ');
}

const fmt = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));

/** The training loss after each epoch as a line chart, drawn as epochs arrive. */
export function LossCurve({
  losses,
  totalEpochs,
}: {
  readonly losses: readonly number[];
  /** Epochs planned, for the x axis label. */
  readonly totalEpochs: number;
}) {
  const finite = losses.filter(Number.isFinite);
  const min = finite.length > 0 ? Math.min(...finite) : 0;
  const max = finite.length > 0 ? Math.max(...finite) : 0;
  const summary =
    finite.length === 0
      ? 'Training loss: no epochs yet.'
      : `Training loss over ${losses.length} of ${totalEpochs} epochs, from ${fmt(finite[0]!)} to ${fmt(finite[finite.length - 1]!)}.`;
  const points = curvePoints(losses);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary} className="chart__svg">
        <line
          className="chart__axis"
          x1={PAD.left}
          y1={PAD.top}
          x2={PAD.left}
          y2={H - PAD.bottom}
        />
        <line
          className="chart__axis"
          x1={PAD.left}
          y1={H - PAD.bottom}
          x2={W - PAD.right}
          y2={H - PAD.bottom}
        />
        {finite.length > 0 ? (
          <>
            <text className="chart__tick" x={PAD.left - 6} y={PAD.top + 4} textAnchor="end">
              {fmt(max)}
            </text>
            <text className="chart__tick" x={PAD.left - 6} y={H - PAD.bottom} textAnchor="end">
              {fmt(min)}
            </text>
          </>
        ) : null}
        <text className="chart__tick" x={PAD.left} y={H - 8}>
          epoch 1
        </text>
        <text className="chart__tick" x={W - PAD.right} y={H - 8} textAnchor="end">
          epoch {Math.max(losses.length, 1)}
        </text>
        {points !== '' ? <polyline className="chart__line" points={points} /> : null}
        {points !== ''
          ? points.split(' ').map((p, i) => {
              const [x, y] = p.split(',');
              return <circle key={i} className="chart__dot" cx={x} cy={y} r={3} />;
            })
          : null}
      </svg>
      <figcaption>{summary}</figcaption>
    </figure>
  );
}
