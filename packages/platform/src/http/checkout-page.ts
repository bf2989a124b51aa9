import type { PurchaseRecord } from '../model.js';

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const money = (p: PurchaseRecord): string =>
  new Intl.NumberFormat('en', { style: 'currency', currency: p.amount.currency }).format(
    p.amount.amount /
      10 **
        (new Intl.NumberFormat('en', { style: 'currency', currency: p.amount.currency }).resolvedOptions()
          .maximumFractionDigits ?? 2),
  );

/** The test-mode checkout: a plain HTML form, no script, so it works under any CSP. */
export function checkoutPage(p: PurchaseRecord, token: string, message?: string): string {
  const credits = (p.credits / 1000).toLocaleString('en');
  const done = p.status !== 'requires_payment' && p.status !== 'processing';
  const back = p.returnUrl ? `<p><a href="${escapeHtml(p.returnUrl)}">Return to the site</a></p>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Test checkout</title>
<style>body{font:16px system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}
button{font:inherit;padding:.6rem 1rem;margin:.25rem .25rem 0 0;border-radius:.4rem;border:1px solid #555;background:#fff;cursor:pointer}
button[value=pay]{background:#1a5f3f;color:#fff;border-color:#1a5f3f}.note{color:#555;font-size:.9rem}</style></head>
<body><main>
<h1>Test checkout</h1>
<p class="note">Test mode: no real payment is made.</p>
<p>${credits} ${p.pool === 'voice' ? 'voice' : 'SMS'} credits — <strong>${money(p)}</strong></p>
${message ? `<p role="status">${escapeHtml(message)}</p>` : ''}
${
  done
    ? `<p>Status: ${escapeHtml(p.status)}</p>${back}`
    : `<form method="post"><input type="hidden" name="token" value="${escapeHtml(token)}">
<button name="action" value="pay">Pay ${money(p)}</button>
<button name="action" value="fail">Decline payment</button>
<button name="action" value="cancel">Cancel</button></form>`
}
</main></body></html>`;
}
