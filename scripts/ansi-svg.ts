/** ANSI text (tmux capture-pane -e) → an SVG picture of the terminal: pure, for the README screenshot. */

const PALETTE = ['#1e1e1e', '#e06c75', '#98c379', '#e5c07b', '#61afef', '#c678dd', '#56b6c2', '#dcdfe4'];
const BRIGHT = ['#5c6370', '#ff7b86', '#b5e890', '#ffd68a', '#8cc8ff', '#dd9cf0', '#7fd6e0', '#ffffff'];
const FG = '#dcdfe4';
const BG = '#1e1e1e';

interface Style { fg: string | null; bg: string | null; bold: boolean; underline: boolean; inverse: boolean }

function apply(style: Style, params: number[]): Style {
  const s = { ...style };
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    if (p === 0) Object.assign(s, { fg: null, bg: null, bold: false, underline: false, inverse: false });
    else if (p === 1) s.bold = true;
    else if (p === 4) s.underline = true;
    else if (p === 7) s.inverse = true;
    else if (p === 22) s.bold = false;
    else if (p === 24) s.underline = false;
    else if (p === 27) s.inverse = false;
    else if (p >= 30 && p <= 37) s.fg = PALETTE[p - 30];
    else if (p >= 90 && p <= 97) s.fg = BRIGHT[p - 90];
    else if (p === 39) s.fg = null;
    else if (p >= 40 && p <= 47) s.bg = PALETTE[p - 40];
    else if (p === 49) s.bg = null;
    else if (p === 38 || p === 48) {
      const n = params[i + 1] === 5 ? params[i + 2] : undefined;
      const c = n !== undefined && n < 8 ? PALETTE[n] : n !== undefined && n < 16 ? BRIGHT[n - 8] : '#aaaaaa';
      if (p === 38) s.fg = c; else s.bg = c;
      i += params[i + 1] === 5 ? 2 : 4;
    }
  }
  return s;
}

const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function ansiToSvg(text: string, columns: number, rows: number, title = 'tcptally'): string {
  const cw = 8.4, lh = 18, pad = 12, top = 30;
  const width = Math.ceil(columns * cw + pad * 2), height = rows * lh + top + pad;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`);
  out.push(`<rect width="100%" height="100%" rx="8" fill="${BG}"/>`);
  out.push(`<circle cx="18" cy="15" r="5" fill="#e06c75"/><circle cx="34" cy="15" r="5" fill="#e5c07b"/><circle cx="50" cy="15" r="5" fill="#98c379"/>`);
  out.push(`<text x="${width / 2}" y="19" fill="#8a8f98" font-family="sans-serif" font-size="12" text-anchor="middle">${esc(title)}</text>`);
  out.push(`<g font-family="'DejaVu Sans Mono','Menlo','Consolas',monospace" font-size="14" xml:space="preserve">`);
  let style: Style = { fg: null, bg: null, bold: false, underline: false, inverse: false };
  text.split('\n').slice(0, rows).forEach((line, row) => {
    let col = 0;
    const y = top + row * lh;
    for (const part of line.split(/(\x1b\[[0-9;]*m)/)) {
      const m = /^\x1b\[([0-9;]*)m$/.exec(part);
      if (m) {
        style = apply(style, m[1] === '' ? [0] : m[1].split(';').map(Number));
        continue;
      }
      if (!part) continue;
      const chars = [...part];
      let fg = style.fg ?? FG, bg = style.bg;
      if (style.inverse) { const f = fg; fg = bg ?? BG; bg = f; }
      const x = pad + col * cw;
      if (bg) out.push(`<rect x="${x.toFixed(1)}" y="${y}" width="${(chars.length * cw).toFixed(1)}" height="${lh}" fill="${bg}"/>`);
      if (part.trim()) {
        const attrs = [`x="${x.toFixed(1)}"`, `y="${y + 13}"`, `fill="${fg}"`];
        if (style.bold) attrs.push('font-weight="bold"');
        if (style.underline) attrs.push('text-decoration="underline"');
        attrs.push(`textLength="${(chars.length * cw).toFixed(1)}"`, 'lengthAdjust="spacingAndGlyphs"');
        out.push(`<text ${attrs.join(' ')}>${esc(part)}</text>`);
      }
      col += chars.length;
    }
  });
  out.push('</g></svg>');
  return out.join('\n') + '\n';
}
