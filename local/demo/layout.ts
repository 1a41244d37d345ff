/**
 * The look shared by the local-only pages (demo platform, success, failure): one self-contained
 * HTML document, inline CSS, no scripts and no external resources, so nothing can leak a ticket.
 */
import type { ServerResponse } from 'node:http';
import { escapeHtml } from '../../shared/http/responses';

const style = `
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#f6f9fc;color:#1a1f36;margin:0}
header{background:#1a1f36;color:#fff;padding:.9rem 2rem;display:flex;justify-content:space-between;align-items:center}
header strong{font-size:1.05rem}header span{color:#c1c9d2;font-size:.9rem}
main{max-width:64rem;margin:1.5rem auto;padding:0 1rem}
section{background:#fff;border-radius:8px;padding:1.4rem 1.6rem;margin-bottom:1.4rem;box-shadow:0 2px 8px rgba(50,50,93,.12)}
h1{font-size:1.35rem;margin:0 0 .8rem}h2{font-size:1.1rem;margin:0 0 .8rem}
p{line-height:1.5}a{color:#635bff}code{background:#f0f3f7;padding:.1rem .35rem;border-radius:4px;white-space:nowrap}
.note{color:#697386;font-size:.85rem}
.buttons{display:flex;gap:.8rem;flex-wrap:wrap}
.button,button{display:inline-block;background:#635bff;color:#fff;border:1px solid #635bff;border-radius:6px;padding:.55rem 1rem;font-size:.95rem;text-decoration:none;cursor:pointer;font-family:inherit}
.button.secondary,button.secondary{background:#fff;color:#635bff}
button.danger{background:#fff;color:#df1b41;border-color:#df1b41}
.small{padding:.3rem .7rem;font-size:.85rem}
table{width:100%;border-collapse:collapse;font-size:.9rem}
th,td{text-align:left;padding:.55rem .4rem;border-bottom:1px solid #e3e8ee;vertical-align:middle}
th{color:#697386;font-weight:600}.nowrap{white-space:nowrap}
.actions .button,.actions button{white-space:nowrap;margin:.15rem 0}
form{margin:0;display:inline}
.status{display:inline-block;border-radius:10px;padding:.05rem .55rem;font-size:.8rem;font-weight:600}
.status.connected{background:#d7f7c2;color:#05690d}.status.deauthorized{background:#e3e8ee;color:#4f566b}
.flash{border-left:4px solid #635bff;background:#fff;padding:.8rem 1rem;margin-bottom:1.4rem;border-radius:4px}
.flash.error,.problem{border-left:4px solid #df1b41}
.problem{padding-left:1rem}
`;

/** A whole page; `body` must already be escaped HTML. */
export const layout = (title: string, subtitle: string, body: string): string =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
  `<title>${escapeHtml(title)}</title><style>${style}</style></head><body>` +
  `<header><strong>Demo Platform</strong><span>${escapeHtml(subtitle)}</span></header><main>${body}</main></body></html>`;

/**
 * Pages carry tickets in their links: never cached. `same-origin`, not `no-referrer`: with
 * no-referrer Chromium sends `Origin: null` on the page's own form POSTs, which the disconnect check refuses.
 */
export const sendHtml = (response: ServerResponse, status: number, html: string): true => {
  response
    .writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'same-origin',
      'content-security-policy':
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    })
    .end(html);
  return true;
};

export const redirect = (response: ServerResponse, location: string): true => {
  response.writeHead(303, { location, 'cache-control': 'no-store' }).end();
  return true;
};
