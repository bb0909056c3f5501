/** Decorative instrument dial behind the sign-in card (aria-hidden). */
export function Dial() {
  const ticks = Array.from({ length: 120 }, (_, i) => i);
  const c = 420;
  return (
    <svg className="login-dial" width={c * 2} height={c * 2} viewBox={`0 0 ${c * 2} ${c * 2}`} aria-hidden>
      <defs>
        <linearGradient id="dial-arc" x1="0" y1="1" x2="1" y2="0">
          <stop offset="0%" stopColor="#3dd6a3" stopOpacity="0.9" />
          <stop offset="100%" stopColor="#3dd6a3" stopOpacity="0.25" />
        </linearGradient>
        <linearGradient id="dial-warm" x1="0" y1="0" x2="1" y2="1">
          <stop offset="0%" stopColor="#f2b64c" stopOpacity="0.7" />
          <stop offset="100%" stopColor="#ff6370" stopOpacity="0.8" />
        </linearGradient>
      </defs>
      <circle cx={c} cy={c} r={c - 40} fill="none" stroke="rgba(255,255,255,0.06)" />
      <circle cx={c} cy={c} r={c - 70} fill="none" stroke="rgba(255,255,255,0.035)" />
      {ticks.map((i) => {
        const a = (i / ticks.length) * Math.PI * 2;
        const long = i % 10 === 0;
        const r1 = c - 40;
        const r2 = r1 - (long ? 16 : 7);
        return (
          <line
            key={i}
            x1={c + Math.sin(a) * r1}
            y1={c - Math.cos(a) * r1}
            x2={c + Math.sin(a) * r2}
            y2={c - Math.cos(a) * r2}
            stroke="rgba(255,255,255,0.12)"
            strokeWidth={long ? 1.4 : 1}
          />
        );
      })}
      <path d={arcPath(c, c - 75, 205, 315)} fill="none" stroke="url(#dial-arc)" strokeWidth="2.2" strokeLinecap="round" />
      <path d={arcPath(c, c - 8, 22, 62)} fill="none" stroke="url(#dial-warm)" strokeWidth="2.2" strokeLinecap="round" />
      <g transform={`translate(${c + Math.sin((315 * Math.PI) / 180) * (c - 75)}, ${c - Math.cos((315 * Math.PI) / 180) * (c - 75)})`}>
        <circle r="18" fill="none" stroke="rgba(61,214,163,0.25)" className="login-dial-pulse" data-animated />
        <circle r="10" fill="none" stroke="rgba(61,214,163,0.45)" />
        <circle r="4" fill="#edf1f7" />
      </g>
    </svg>
  );
}

function arcPath(c: number, r: number, fromDeg: number, toDeg: number): string {
  const p = (deg: number) => {
    const a = (deg * Math.PI) / 180;
    return `${c + Math.sin(a) * r} ${c - Math.cos(a) * r}`;
  };
  return `M ${p(fromDeg)} A ${r} ${r} 0 ${toDeg - fromDeg > 180 ? 1 : 0} 1 ${p(toDeg)}`;
}
