// Byte counts in binary units with one decimal: what the portal shows on
// chart axes and tooltips.
const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function formatBytes(n) {
  if (typeof n !== 'number' || !isFinite(n)) return '';
  let i = 0;
  let v = Math.abs(n);
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const s = i === 0 ? String(Math.round(v)) : v.toFixed(1);
  return (n < 0 ? '-' : '') + s + ' ' + units[i];
}
