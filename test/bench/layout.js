// Bench layout: a classic script at the end of <body> that writes the widgets the query string asks
// for, while the page is still parsing (before creditkit.js runs, as if they were in the HTML).
//   ?meters=N      ck-balance-meter elements (pools alternate voice/sms)  default 1
//   ?pool=voice    every meter on one pool instead
//   ?buy=N         ck-buy-credits elements                                 default 0
//   ?client=NAME   simulator scenario for the session endpoint            default healthy
//   ?provider=0    no ck-provider / meters at all (a baseline page)
(() => {
  const q = new URLSearchParams(location.search);
  const meters = Number(q.get('meters') ?? 1);
  const buy = Number(q.get('buy') ?? 0);
  const client = q.get('client') ?? 'healthy';
  const host = document.getElementById('widgets');
  const provider = document.createElement('ck-provider');
  // The API is on this origin; the SDK wants an absolute base.
  provider.setAttribute('api-base', location.origin);
  provider.setAttribute('session-endpoint', `/creditkit/session?client=${encodeURIComponent(client)}`);
  for (let i = 0; i < meters; i++) {
    const m = document.createElement('ck-balance-meter');
    m.setAttribute('pool', q.get('pool') ?? (i % 2 ? 'sms' : 'voice'));
    if (q.get('compact') === '1') m.setAttribute('compact', '');
    provider.append(m);
  }
  for (let i = 0; i < buy; i++) {
    const b = document.createElement('ck-buy-credits');
    b.setAttribute('pool', 'voice');
    provider.append(b);
  }
  if (q.get('provider') !== '0') host.append(provider);
})();
