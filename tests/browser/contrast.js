// Run in the page by test_contrast.py: for each visible element matching `selector`, the WCAG
// contrast ratio of its text colour against the first opaque background behind it, composited
// through every translucent layer and the element's (inherited) opacity. Background images are
// not used by pmis.css, so they are not considered. Disabled controls are exempt (WCAG 1.4.3).
(selector) => {
  const parse = (c) => { const m = c.match(/[\d.]+/g).map(Number); return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; };
  const over = (top, bottom) => { const a = top[3];
    return [0, 1, 2].map(i => top[i] * a + bottom[i] * (1 - a)).concat([1]); };
  const lum = (c) => { const [r, g, b] = c.slice(0, 3).map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const background = (el) => { const layers = [];
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const c = parse(getComputedStyle(node).backgroundColor);
      if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; } }
    let result = [255, 255, 255, 1];
    for (const layer of layers.reverse()) result = over(layer, result);
    return result; };
  const opacity = (el) => { let o = 1; for (let n = el; n && n.nodeType === 1; n = n.parentElement) o *= Number(getComputedStyle(n).opacity); return o; };
  const out = [];
  for (const el of document.querySelectorAll(selector)) {
    const box = el.getBoundingClientRect(), style = getComputedStyle(el);
    if (!box.width || !box.height || style.visibility === 'hidden' || el.disabled) continue;
    const text = (el.innerText || el.value || '').trim();
    if (!text) continue;
    const back = background(el), fg = parse(style.color);
    const fore = over([fg[0], fg[1], fg[2], fg[3] * opacity(el)], back);
    const [l1, l2] = [lum(fore), lum(back)].sort((a, b) => b - a);
    out.push({text: text.slice(0, 30), ratio: Math.round((l1 + 0.05) / (l2 + 0.05) * 100) / 100});
  }
  return out; }
