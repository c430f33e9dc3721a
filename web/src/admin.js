// Administration pages: confirmation before destructive actions and a copy
// button for secrets shown once. Without this script the forms still work
// (without the question) and the secret can be selected by hand.

// A form with data-confirm asks before it is submitted.
document.addEventListener('submit', (ev) => {
  const form = ev.target;
  if (!(form instanceof HTMLFormElement)) return;
  const question = form.dataset.confirm;
  if (question && !window.confirm(question)) ev.preventDefault();
});

// A button with data-copy="SELECTOR" copies that element's visible text.
document.addEventListener('click', async (ev) => {
  const btn = ev.target instanceof Element ? ev.target.closest('button[data-copy]') : null;
  if (!btn) return;
  const el = document.querySelector(btn.dataset.copy);
  if (!el || !navigator.clipboard) return;
  try {
    await navigator.clipboard.writeText(el.innerText.trim());
    btn.classList.add('copied');
  } catch {
    // Clipboard refused (no secure context or permission): select instead.
    const range = document.createRange();
    range.selectNodeContents(el);
    window.getSelection().removeAllRanges();
    window.getSelection().addRange(range);
  }
});
