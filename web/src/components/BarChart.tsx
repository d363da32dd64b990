/** Horizontal bars in plain SVG: one per item, scaled to the largest (a dry run's changes per attribute). */
export function BarChart({
  items,
  total,
  label,
}: {
  items: Array<{ name: string; value: number }>;
  total: number;
  label: string;
}) {
  const max = Math.max(1, total, ...items.map((i) => i.value));
  const row = 28;
  return (
    <svg
      class="bars"
      role="img"
      aria-label={label}
      viewBox={`0 0 600 ${items.length * row}`}
      width="100%"
      preserveAspectRatio="xMinYMin meet"
    >
      {items.map((item, i) => {
        const width = Math.max(2, (item.value / max) * 360);
        return (
          <g key={item.name} transform={`translate(0 ${i * row})`}>
            <text x="150" y="18" text-anchor="end" class="bar-label">
              {item.name.length > 22 ? `${item.name.slice(0, 21)}…` : item.name}
            </text>
            <rect x="160" y="5" height="18" width={width} rx="3" class="bar" />
            <text x={166 + width} y="18" class="bar-value">
              {item.value.toLocaleString()}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
