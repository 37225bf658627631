import { formatYuan } from "@/lib/money";

/**
 * Fourteen days of paid amounts as bars, in plain SVG: no chart library, nothing to load, readable without
 * JavaScript. Each bar has a <title> (hover) and the whole chart one accessible label.
 */
export function PaidChart({
  days,
  values,
  label,
}: {
  days: string[];
  values: { count: number; fen: number }[];
  label: string;
}) {
  const w = 14 * 12;
  const h = 40;
  const max = Math.max(1, ...values.map((v) => v.fen));
  return (
    <svg viewBox={`0 0 ${w} ${h}`} width={w} height={h} role="img" aria-label={label} className="overflow-visible">
      <line x1={0} y1={h - 0.5} x2={w} y2={h - 0.5} stroke="#d1d5db" strokeWidth={1} />
      {values.map((v, i) => {
        const bh = v.fen === 0 ? 0 : Math.max(2, Math.round((v.fen / max) * (h - 2)));
        return (
          <rect
            key={days[i]}
            x={i * 12 + 2}
            y={h - 1 - bh}
            width={8}
            height={bh}
            rx={1.5}
            fill={i === values.length - 1 ? "#1061d6" : "#93b4e8"}
          >
            <title>{`${days[i]}: ${v.count} · ¥${formatYuan(v.fen)}`}</title>
          </rect>
        );
      })}
    </svg>
  );
}
