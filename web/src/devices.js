// Device pages: rows that open the device's detail page, the matrices'
// hover details and the network selector. The pages work without it.

function openRowOnClick() {
  document.querySelectorAll('tr[data-href]').forEach((tr) => {
    tr.classList.add('clickable');
    tr.addEventListener('click', (ev) => {
      // A link, button or selection inside the row keeps its own behaviour.
      if (ev.target.closest('a, button, input, select, textarea')) return;
      if (String(window.getSelection() || '') !== '') return;
      window.location.assign(tr.dataset.href);
    });
  });
}

function matrixDetails() {
  const panel = document.getElementById('matrix-detail');
  const grid = document.getElementById('matrix');
  if (!panel || !grid) return;
  const initial = panel.textContent;
  const show = (ev) => {
    const cell = ev.target.closest('.mx-cell');
    if (!cell) return;
    panel.textContent = cell.dataset.detail || cell.title || initial;
  };
  grid.addEventListener('mouseover', show);
  grid.addEventListener('focusin', show);
}

function autoSubmit() {
  document.querySelectorAll('select[data-autosubmit]').forEach((sel) => {
    sel.addEventListener('change', () => sel.form && sel.form.submit());
  });
}

function init() {
  openRowOnClick();
  matrixDetails();
  autoSubmit();
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', init);
} else {
  init();
}
